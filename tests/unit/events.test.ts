import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { mockSdk } from '../helpers/mocks.js';
import { handler as broadcast } from '../../functions/broadcast/app.js';
import { handler as connect } from '../../functions/connect/app.js';
import { handler as defaultRoute } from '../../functions/default/app.js';
import { handler as disconnect } from '../../functions/disconnect/app.js';
import { AUTHORIZER_SAMPLE, SAMPLE_EVENTS, sampleEvent, sampleEventFiles } from '../helpers/events.js';

/** The handler each function of the template runs. */
const HANDLERS = { ConnectFunction: connect, DisconnectFunction: disconnect, DefaultFunction: defaultRoute, BroadcastFunction: broadcast } as const;

describe('events/ (sam local invoke samples)', () => {
  const sdk = mockSdk();
  beforeEach(() => {
    sdk.dynamo.on(PutItemCommand).resolves({});
    sdk.dynamo.on(DeleteItemCommand).resolves({});
    sdk.dynamo.on(ScanCommand).resolves({ Items: [{ connectionId: { S: 'L0SM9cOFvHcCIhw=' } }] });
    sdk.api.on(PostToConnectionCommand).resolves({});
  });

  it('has an expectation for every file in events/', () => {
    expect(sampleEventFiles()).to.deep.equal([...Object.keys(SAMPLE_EVENTS), AUTHORIZER_SAMPLE.file].sort());
  });
  // authorizer.json is fed to the authorizer in tests/unit/functions/authorizer.test.ts.

  for (const [file, { function: name, status }] of Object.entries(SAMPLE_EVENTS)) {
    it(`${file} answers ${status}`, async () => {
      const result = await HANDLERS[name](sampleEvent(file));
      expect(result.statusCode).to.equal(status);
    });
  }
});
