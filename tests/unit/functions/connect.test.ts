import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { mockSdk } from '../../helpers/mocks.js';
import { handler } from '../../../functions/connect/app.js';
import { sampleEvent } from '../../helpers/events.js';

describe('$connect handler', () => {
  const sdk = mockSdk();

  it('stores the connection with its expiry and answers 200', async () => {
    sdk.dynamo.on(PutItemCommand).resolves({});
    const result = await handler(sampleEvent('connect.json'));
    expect(result.statusCode).to.equal(200);
    const input = sdk.dynamo.commandCalls(PutItemCommand)[0].args[0].input;
    expect(input.TableName).to.equal(process.env.TABLE_NAME);
    expect(input.Item).to.deep.equal({
      connectionId: { S: 'L0SM9cOFvHcCIhw=' },
      connectedAt: { N: '1764403200000' },
      expiresAt: { N: String(1764403200 + 7200 + 300) },
    });
  });

  it('stores the principal an authorizer named', async () => {
    sdk.dynamo.on(PutItemCommand).resolves({});
    const event = sampleEvent('connect.json');
    event.requestContext.authorizer = { principalId: 'user-1', sub: 'user-1' };
    await handler(event);
    expect(sdk.dynamo.commandCalls(PutItemCommand)[0].args[0].input.Item?.principalId).to.deep.equal({ S: 'user-1' });
    expect(sdk.dynamo.commandCalls(PutItemCommand)[0].args[0].input.Item?.sub).to.deep.equal({ S: 'user-1' });
  });

  it('refuses the handshake with a bare 500 when storing fails, and logs the connection id', async () => {
    sdk.dynamo.on(PutItemCommand).rejects(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));
    const result = await handler(sampleEvent('connect.json'));
    expect(result.statusCode).to.equal(500);
    expect(result.body).to.not.include('resource');
    const line = sdk.logs.lines().find((entry) => entry.level === 'ERROR');
    expect(line).to.include({ routeKey: '$connect', connectionId: 'L0SM9cOFvHcCIhw=' });
    expect(line?.error).to.include({ name: 'ResourceNotFoundException' });
  });

  it('answers 400 to an event without requestContext and stores nothing', async () => {
    const result = await handler(sampleEvent('broadcast-no-request-context.json'));
    expect(result.statusCode).to.equal(400);
    expect(sdk.dynamo.calls()).to.have.length(0);
  });
});
