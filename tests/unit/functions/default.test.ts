import { type ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { expect } from 'chai';
import { mockSdk } from '../../helpers/mocks.js';
import { handler } from '../../../functions/default/app.js';
import { sampleEvent } from '../../helpers/events.js';

describe('$default handler', () => {
  const sdk = mockSdk();

  const notices = () =>
    sdk.api.commandCalls(PostToConnectionCommand).map((call) => ({
      to: call.args[0].input.ConnectionId,
      notice: JSON.parse(Buffer.from(call.args[0].input.Data as Uint8Array).toString()),
    }));

  it('tells the caller its action is unknown, with the actions and an example', async () => {
    sdk.api.on(PostToConnectionCommand).resolves({});
    const result = await handler(sampleEvent('default.json'));
    expect(result.statusCode).to.equal(200);
    expect(notices()).to.deep.equal([
      {
        to: 'L0SM9cOFvHcCIhw=',
        notice: {
          error: 'unknown_action',
          message: 'Unknown action "sendmessage". Actions are case-sensitive: broadcast.',
          actions: ['broadcast'],
          example: { action: 'broadcast', data: 'Hello' },
        },
      },
    ]);
  });

  it('tells the caller a message was not JSON', async () => {
    sdk.api.on(PostToConnectionCommand).resolves({});
    await handler(sampleEvent('default-not-json.json'));
    expect(notices()[0].notice.error).to.equal('not_json');
  });

  it('posts to the endpoint of the event’s API and stage', async () => {
    sdk.api.on(PostToConnectionCommand).resolves({});
    await handler(sampleEvent('default.json'));
    const client = sdk.api.commandCalls(PostToConnectionCommand)[0].thisValue as ApiGatewayManagementApiClient;
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}${endpoint.path}`).to.equal('https://a1b2c3d4e5.execute-api.eu-north-1.amazonaws.com/dev');
  });

  it('logs a caller that left before the notice, and still answers 200', async () => {
    sdk.api.on(PostToConnectionCommand).rejects(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }));
    const result = await handler(sampleEvent('default.json'));
    expect(result.statusCode).to.equal(200);
    expect(sdk.logs.lines()[0]).to.include({ level: 'WARN', message: 'reply not delivered', connectionId: 'L0SM9cOFvHcCIhw=' });
    // The SDK's own fields are kept: the status API Gateway answered.
    expect(sdk.logs.lines()[0].error).to.deep.include({ name: 'GoneException', $metadata: { httpStatusCode: 410 } });
  });
});
