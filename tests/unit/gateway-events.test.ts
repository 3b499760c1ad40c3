/**
 * The events the local gateway builds against the handlers' own input types, checked by the
 * compiler (`npm run typecheck` runs `tsc -p tests`): the twin types its events from
 * `@types/aws-lambda` and may not import functions/, so only a test can hold the two together.
 * A field the gateway builds with a type a handler does not accept fails the type check here.
 */
import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import type { handler as authorizerHandler } from '../../functions/authorizer/app.js';
import type { handler as broadcastHandler } from '../../functions/broadcast/app.js';
import type { handler as connectHandler } from '../../functions/connect/app.js';
import type { handler as defaultHandler } from '../../functions/default/app.js';
import type { handler as disconnectHandler } from '../../functions/disconnect/app.js';
import { authorize, type AuthorizerResult } from '../../functions/shared/auth.js';
import { connectionContext } from '../../functions/shared/events.js';
import { authorizerEvent, type connectEvent, type disconnectEvent, messageEvent, type PolicyAnswer } from 'sam-local-websocket';

/** Compiles only when a `From` can be passed where a `To` is expected. */
type Fits<To, From extends To> = From;
/** What a handler takes as its event. */
type EventOf<Handler extends (event: never, ...rest: never[]) => unknown> = Parameters<Handler>[0];

export type GatewayEventsFitTheHandlers = [
  Fits<EventOf<typeof connectHandler>, ReturnType<typeof connectEvent>>,
  Fits<EventOf<typeof disconnectHandler>, ReturnType<typeof disconnectEvent>>,
  Fits<EventOf<typeof defaultHandler>, ReturnType<typeof messageEvent>>,
  Fits<EventOf<typeof broadcastHandler>, ReturnType<typeof messageEvent>>,
  Fits<EventOf<typeof authorizerHandler>, ReturnType<typeof authorizerEvent>>,
  // and the other way: what the authorizer answers is what the gateway reads of it.
  Fits<PolicyAnswer, AuthorizerResult>,
];

describe('the MESSAGE event the gateway builds', () => {
  it('passes the handlers’ own check of the event (connectionContext)', () => {
    const api = { apiId: 'local', stage: 'dev', domainName: 'localhost:3001' };
    const connection = { connectionId: 'abc=', connectedAt: 1_700_000_000_000, sourceIp: '127.0.0.1', userAgent: 'test' };
    const event = messageEvent(api, connection, 'broadcast', '{"action":"broadcast"}');
    expect(connectionContext(event)).to.deep.equal({ connectionId: 'abc=', connectedAt: connection.connectedAt, apiId: 'local', stage: 'dev' });
  });
});

describe('the authorizer event the gateway builds', () => {
  const api = { apiId: 'local', stage: 'dev', domainName: 'localhost:3001' };
  const connection = { connectionId: 'abc=', connectedAt: 1_700_000_000_000, sourceIp: '127.0.0.1' };
  const request = { rawHeaders: ['Host', 'localhost:3001', 'Connection', 'Upgrade'], socket: { localPort: 3001 } } as unknown as IncomingMessage;
  const methodArn = 'arn:aws:execute-api:us-east-1:000000000000:local/dev/$connect';

  it('is one the token authorizer admits with the right token, for its methodArn', () => {
    const event = authorizerEvent(api, connection, request, new URL('ws://localhost:3001/?Auth=s3cret'), methodArn);
    expect(event).to.include({ type: 'REQUEST', methodArn });
    expect(event.headers).to.include({ Connection: 'Upgrade' });
    expect(authorize(event, 's3cret')?.policyDocument.Statement).to.deep.equal([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }]);
    expect(authorize(event, 'other')).to.equal(undefined);
  });

  it('carries both query string shapes, empty, when the URL has no query', () => {
    const event = authorizerEvent(api, connection, request, new URL('ws://localhost:3001/'), methodArn);
    expect(event).to.deep.include({ queryStringParameters: {}, multiValueQueryStringParameters: {}, stageVariables: {} });
    expect(authorize(event, 's3cret')).to.equal(undefined);
  });
});
