/** The local gateway's events against the shapes of the events captured on AWS (AWS-FACTS.md, "Checked in 2026-11"). */
import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { connectEvent, disconnectEvent, messageEvent, newId } from '../../../src/api-gateway/events.js';

/** An id as API Gateway makes them: 16 characters, base64 (URL alphabet) of 11 bytes, ending in `=`. */
const AWS_ID = /^[A-Za-z0-9_-]{15}=$/;

/** A handshake request as node:http gives it to the upgrade handler. */
function handshake(rawHeaders: string[]): IncomingMessage {
  return { rawHeaders, socket: { localPort: 3001 } } as unknown as IncomingMessage;
}
const CLIENT_HEADERS = [
  'Host',
  'localhost:3001',
  'Connection',
  'Upgrade',
  'Upgrade',
  'websocket',
  'Sec-WebSocket-Key',
  '+W5xw47OHh3OTFsWKjGu9Q==',
  'Sec-WebSocket-Version',
  '13',
  'X-Forwarded-For',
  '6.6.6.6',
];

describe('the gateway’s events (shapes of the captured AWS events)', () => {
  const api = { apiId: 'local', stage: 'dev', domainName: 'localhost:3001' };
  const connection = { connectionId: 'abc=', connectedAt: 1_700_000_000_000, sourceIp: '127.0.0.1', userAgent: 'test' };

  it('makes ids like API Gateway: 16 characters, base64 of 11 bytes, ending in =', () => {
    for (let i = 0; i < 500; i++) {
      const id = newId();
      expect(id).to.match(AWS_ID).and.have.length(16);
      expect(Buffer.from(id, 'base64url')).to.have.length(11);
    }
  });

  it('builds a MESSAGE event with a messageId in the same shape', () => {
    const event = messageEvent(api, connection, 'broadcast', '{"action":"broadcast"}');
    expect(event.requestContext).to.include({
      routeKey: 'broadcast',
      eventType: 'MESSAGE',
      messageDirection: 'IN',
      connectionId: 'abc=',
      stage: 'dev',
      apiId: 'local',
    });
    expect(event.requestContext.messageId).to.match(AWS_ID);
    expect(event.requestContext.requestId).to.match(AWS_ID);
    expect(event.body).to.equal('{"action":"broadcast"}');
  });

  it('$connect: the client headers plus X-Forwarded-For/Port/Proto and X-Amzn-Trace-Id, without Connection and Upgrade', () => {
    const event = connectEvent(api, connection, handshake(CLIENT_HEADERS), new URL('http://localhost/dev'));
    expect(Object.keys(event.headers!).sort()).to.deep.equal(
      ['Host', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'X-Amzn-Trace-Id', 'X-Forwarded-For', 'X-Forwarded-Port', 'X-Forwarded-Proto'].sort(),
    );
    // The client's own X-Forwarded-For is replaced by the TCP peer's address.
    expect(event.headers).to.include({ 'X-Forwarded-For': '127.0.0.1', 'X-Forwarded-Port': '3001', 'X-Forwarded-Proto': 'http' });
    expect(event.headers!['X-Amzn-Trace-Id']).to.match(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.multiValueHeaders!['X-Forwarded-For']).to.deep.equal(['127.0.0.1']);
    expect(event).to.not.have.any.keys('queryStringParameters', 'multiValueQueryStringParameters');
    expect(event.requestContext).to.include({ routeKey: '$connect', eventType: 'CONNECT' });
    expect(event.requestContext.messageId).to.equal(undefined);
    expect(event.requestContext.requestId).to.match(AWS_ID);
  });

  it("$connect: repeated headers in both shapes; Host is the API's domain name, as the client reached it on AWS", () => {
    const event = connectEvent(api, connection, handshake(['Host', '127.0.0.1:3001', 'X-A', '1', 'X-A', '2']), new URL('ws://localhost/dev'));
    expect(event.headers).to.include({ Host: api.domainName, 'X-A': '1,2' });
    expect(event.multiValueHeaders).to.deep.include({ Host: [api.domainName], 'X-A': ['1', '2'] });
  });

  it('carries the same apiId and domainName in $connect, messages and $disconnect (Host too)', () => {
    const aws = { apiId: 'c5jwxq709g', stage: 'dev', domainName: 'c5jwxq709g.execute-api.eu-north-1.amazonaws.com' };
    const events = [
      connectEvent(aws, connection, handshake(['Host', '127.0.0.1:3001']), new URL('ws://127.0.0.1/dev')),
      messageEvent(aws, connection, '$default', 'x'),
      disconnectEvent(aws, connection, 1000, ''),
    ];
    expect(events.map((event) => [event.requestContext.apiId, event.requestContext.domainName])).to.deep.equal(Array(3).fill([aws.apiId, aws.domainName]));
    expect([events[0].headers?.Host, events[2].headers?.Host]).to.deep.equal([aws.domainName, aws.domainName]);
  });

  it('$connect with a query: both shapes, the last value of a repeated name in the single one', () => {
    const event = connectEvent(api, connection, handshake(CLIENT_HEADERS), new URL('ws://localhost/dev?Auth=t&x=1&x=2&b='));
    expect(event.queryStringParameters).to.deep.equal({ Auth: 't', x: '2', b: '' });
    expect(event.multiValueQueryStringParameters).to.deep.equal({ Auth: ['t'], x: ['1', '2'], b: [''] });
  });

  it('the authorizer input keeps Connection and Upgrade', () => {
    const event = connectEvent(api, connection, handshake(CLIENT_HEADERS), new URL('http://localhost/dev'), { upgradeHeaders: true });
    expect(event.headers).to.include({ Connection: 'Upgrade', Upgrade: 'websocket' });
  });

  it('$disconnect: the close status and reason, API Gateway’s header set, and its reason for a close without status (1005)', () => {
    const event = disconnectEvent(api, connection, 1005, '');
    expect(event.requestContext).to.include({
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      disconnectStatusCode: 1005,
      disconnectReason: 'Client-side close frame status not set',
    });
    expect(event.headers).to.deep.equal({ Host: 'localhost:3001', 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' });
    expect(event.multiValueHeaders).to.deep.equal({ Host: ['localhost:3001'], 'x-api-key': [''], 'X-Forwarded-For': [''], 'x-restapi': [''] });
    expect(disconnectEvent(api, connection, 1001, '').requestContext).to.include({ disconnectReason: '' });
    expect(disconnectEvent(api, connection, 1000, 'bye').requestContext).to.include({ disconnectStatusCode: 1000, disconnectReason: 'bye' });
  });
});
