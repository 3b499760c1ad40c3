import { ConditionalCheckFailedException, DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { mockSdk } from '../../helpers/mocks.js';
import { handler } from '../../../functions/disconnect/app.js';
import { sampleEvent } from '../../helpers/events.js';

describe('$disconnect handler', () => {
  const sdk = mockSdk();

  it('deletes the record and answers 200', async () => {
    sdk.dynamo.on(DeleteItemCommand).resolves({});
    const result = await handler(sampleEvent('disconnect.json'));
    expect(result.statusCode).to.equal(200);
    expect(sdk.dynamo.commandCalls(DeleteItemCommand)[0].args[0].input.Key).to.deep.equal({ connectionId: { S: 'L0SM9cOFvHcCIhw=' } });
  });

  it('answers 200 when the record is already gone (DeleteItem does not fail for a missing key)', async () => {
    // As DynamoDB: a missing key is no error, unless the delete is made conditional on it.
    sdk.dynamo.on(DeleteItemCommand).callsFake((input) => {
      if (input.ConditionExpression) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      return { Attributes: undefined };
    });
    expect((await handler(sampleEvent('disconnect.json'))).statusCode).to.equal(200);
    expect(sdk.dynamo.commandCalls(DeleteItemCommand)).to.have.length(1);
    expect(sdk.logs.lines().filter((line) => line.level === 'ERROR')).to.deep.equal([]);
  });

  it('logs a failure with the connection id and answers 500', async () => {
    sdk.dynamo.on(DeleteItemCommand).rejects(new Error('connect ECONNREFUSED'));
    const result = await handler(sampleEvent('disconnect.json'));
    expect(result.statusCode).to.equal(500);
    expect(sdk.logs.lines()[0]).to.include({ level: 'ERROR', connectionId: 'L0SM9cOFvHcCIhw=' });
  });
});
