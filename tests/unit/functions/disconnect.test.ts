import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { handler } from '../../../functions/disconnect/app.js';
import { sampleEvent } from '../../helpers/events.js';
import { captureLogs } from '../../helpers/logs.js';

describe('$disconnect handler', () => {
  let dynamo: AwsClientStub<DynamoDBClient>;
  before(() => (dynamo = mockClient(DynamoDBClient)));
  after(() => dynamo.restore());
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => {
    dynamo.reset();
    logs.restore();
  });

  it('deletes the record and answers 200', async () => {
    dynamo.on(DeleteItemCommand).resolves({});
    const result = await handler(sampleEvent('disconnect.json'));
    expect(result.statusCode).to.equal(200);
    expect(dynamo.commandCalls(DeleteItemCommand)[0].args[0].input.Key).to.deep.equal({ connectionId: { S: 'L0SM9cOFvHcCIhw=' } });
  });

  it('answers 200 when the record is already gone (DeleteItem does not fail for a missing key)', async () => {
    dynamo.on(DeleteItemCommand).resolves({ Attributes: undefined });
    expect((await handler(sampleEvent('disconnect.json'))).statusCode).to.equal(200);
  });

  it('logs a failure with the connection id and answers 500', async () => {
    dynamo.on(DeleteItemCommand).rejects(new Error('connect ECONNREFUSED'));
    const result = await handler(sampleEvent('disconnect.json'));
    expect(result.statusCode).to.equal(500);
    expect(logs.lines()[0]).to.include({ level: 'ERROR', connectionId: 'L0SM9cOFvHcCIhw=' });
  });
});
