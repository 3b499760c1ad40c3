import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { connectionContext } from '../../../functions/shared/events.js';
import { connectEvent, disconnectEvent, messageEvent, newId } from '../../../local/api-gateway/events.js';

describe('the gateway’s events', () => {
  const api = { apiId: 'local', stage: 'dev', domainName: 'localhost:3001' };
  const connection = { connectionId: 'abc=', connectedAt: 1_700_000_000_000, sourceIp: '127.0.0.1', userAgent: 'test' };

  it('gives ids in API Gateway’s shape', () => {
    expect(newId()).to.match(/^[A-Za-z0-9+/]{13}[A-Za-z0-9+/=]{3}$/).and.have.length(16);
  });

  it('builds a MESSAGE event with a messageId, that the handlers’ own check accepts', () => {
    const event = messageEvent(api, connection, 'broadcast', '{"action":"broadcast"}');
    expect(event.requestContext).to.include({ routeKey: 'broadcast', eventType: 'MESSAGE', messageDirection: 'IN', connectionId: 'abc=', stage: 'dev', apiId: 'local' });
    expect(event.requestContext.messageId).to.be.a('string');
    expect(event.body).to.equal('{"action":"broadcast"}');
    expect(connectionContext(event)).to.deep.equal({ connectionId: 'abc=', connectedAt: connection.connectedAt, apiId: 'local', stage: 'dev' });
  });

  it('builds $connect with the handshake’s headers and query string (null without one)', () => {
    const request = { rawHeaders: ['Host', 'localhost', 'X-A', '1', 'X-A', '2'] } as unknown as IncomingMessage;
    const withQuery = connectEvent(api, connection, request, new URL('ws://localhost/dev?Auth=t&x=1&x=2'));
    expect(withQuery.headers).to.deep.equal({ Host: 'localhost', 'X-A': '1,2' });
    expect(withQuery.multiValueHeaders).to.deep.equal({ Host: ['localhost'], 'X-A': ['1', '2'] });
    expect(withQuery.queryStringParameters).to.deep.equal({ Auth: 't', x: '2' });
    expect(withQuery.multiValueQueryStringParameters).to.deep.equal({ Auth: ['t'], x: ['1', '2'] });
    expect(withQuery.requestContext).to.include({ routeKey: '$connect', eventType: 'CONNECT' });
    expect(withQuery.requestContext.messageId).to.equal(undefined);
    expect(connectEvent(api, connection, request, new URL('ws://localhost/dev')).queryStringParameters).to.equal(null);
  });

  it('builds $disconnect with the close status and reason', () => {
    const event = disconnectEvent(api, connection, 1005, 'Client-side close frame status not set');
    expect(event.requestContext).to.include({ routeKey: '$disconnect', eventType: 'DISCONNECT', disconnectStatusCode: 1005, disconnectReason: 'Client-side close frame status not set' });
    expect(event.headers).to.deep.equal({ Host: 'localhost:3001' });
  });
});
