import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { mockSdk } from '../helpers/mocks.js';
import { readdirSync } from 'node:fs';
import { handler as broadcast } from '../../functions/broadcast/app.js';
import { handler as connect } from '../../functions/connect/app.js';
import { handler as defaultRoute } from '../../functions/default/app.js';
import { handler as disconnect } from '../../functions/disconnect/app.js';
import { sampleEvent } from '../helpers/events.js';

/** Each file in events/, the handler `sam local invoke` would run it with, and the status it gets. */
const EXPECTED = {
  'connect.json': [connect, 200],
  'disconnect.json': [disconnect, 200],
  'default.json': [defaultRoute, 200],
  'default-not-json.json': [defaultRoute, 200],
  'broadcast.json': [broadcast, 200],
  'broadcast-object.json': [broadcast, 200],
  'broadcast-missing-data.json': [broadcast, 400],
  'broadcast-null-data.json': [broadcast, 400],
  'broadcast-no-request-context.json': [broadcast, 400],
} as const;

describe('events/ (sam local invoke samples)', () => {
  const sdk = mockSdk();
  beforeEach(() => {
    sdk.dynamo.on(PutItemCommand).resolves({});
    sdk.dynamo.on(DeleteItemCommand).resolves({});
    sdk.dynamo.on(ScanCommand).resolves({ Items: [{ connectionId: { S: 'L0SM9cOFvHcCIhw=' } }] });
    sdk.api.on(PostToConnectionCommand).resolves({});
  });

  it('has an expectation for every file in events/', () => {
    const files = readdirSync(new URL('../../events', import.meta.url)).filter((file) => file.endsWith('.json'));
    expect(files.sort()).to.deep.equal([...Object.keys(EXPECTED), 'authorizer.json'].sort());
  });
  // authorizer.json is fed to the authorizer in tests/unit/functions/authorizer.test.ts.

  for (const [file, [handler, status]] of Object.entries(EXPECTED)) {
    it(`${file} answers ${status}`, async () => {
      const result = await handler(sampleEvent(file));
      expect(result.statusCode).to.equal(status);
    });
  }
});
