import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import sinon from 'sinon';
import type { WebSocketServer } from 'ws';
import type { EventConnection, GatewayEvent } from '../../../src/api-gateway/events.js';
import { HandshakeGate } from '../../../src/api-gateway/handshake-gate.js';
import { ConnectProtocols } from '../../../src/api-gateway/subprotocol.js';
import { refuseHandshake, upgradeHandler, type HandshakeCheck, type UpgradeLimits } from '../../../src/api-gateway/upgrade.js';
import type { Outcome } from '../../../src/lambda/container-protocol.js';
import type { RouteSpec } from '../../../src/template/template.js';
import { frame } from 'websocket-test-clients';
import { FakeWebSocket, handshakeRequest, outcome, RecordingSocket, sessionContext, VALID_HANDSHAKE } from './fakes.js';

const LIMITS: UpgradeLimits = { maxUrlLength: 4096, maxFrameBytes: 32 * 1024 };

/** The status line, headers and JSON body of an HTTP answer written to a socket. */
function parsed(written: string) {
  const [head, body] = written.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 2)]));
  return { statusLine, headers, body, message: (JSON.parse(body) as { message: string }).message };
}

describe('refuseHandshake', () => {
  it('writes an HTTP answer with a JSON message, its length, and Connection: close, then destroys the socket', async () => {
    const socket = new RecordingSocket();
    refuseHandshake(socket, 401);
    await socket.destroyedSoon();
    const answer = parsed(socket.written);
    expect(answer.statusLine).to.equal('HTTP/1.1 401 Unauthorized');
    expect(answer.headers).to.deep.equal({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(answer.body)), connection: 'close' });
    expect(answer.message).to.equal('Unauthorized');
    expect(socket.destroyed).to.equal(true);
  });

  it('adds the headers it is given, and names a status node does not know "Error"', async () => {
    const socket = new RecordingSocket();
    refuseHandshake(socket, 599, { 'Sec-WebSocket-Version': '13' });
    await socket.destroyedSoon();
    const answer = parsed(socket.written);
    expect(answer.statusLine).to.equal('HTTP/1.1 599 Error');
    expect(answer.headers).to.include({ 'sec-websocket-version': '13' });
    expect(answer.message).to.equal('Error');
  });

  it('survives a client that resets while being refused (an error listener when there was none)', async () => {
    const socket = new RecordingSocket();
    refuseHandshake(socket, 403);
    expect(() => socket.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).to.not.throw();
    const owned = new RecordingSocket();
    const own = sinon.spy();
    owned.on('error', own);
    refuseHandshake(owned, 403);
    expect(owned.listenerCount('error')).to.equal(1);
  });
});

describe('upgradeHandler', () => {
  // An accepted connection's session sets its idle and lifetime timers: fake, so none outlives a test.
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })));
  afterEach(() => clock.restore());

  /**
   * A handler over a stub invoker whose `$connect` answers `connect`, a stub `check`
   * answering `verdict`, and a fake `ws` server that upgrades to a fake WebSocket.
   */
  function handler({ connect = outcome({ result: { statusCode: 200 } }), verdict = {} as Awaited<ReturnType<HandshakeCheck>>, limits = LIMITS } = {}) {
    const session = sessionContext();
    session.invoke.callsFake(async (route: RouteSpec) => (route.routeKey === '$connect' ? connect : outcome({ result: null })));
    const check = sinon.stub<Parameters<HandshakeCheck>, ReturnType<HandshakeCheck>>().resolves(verdict);
    const ws = new FakeWebSocket();
    // ws's part: it hands the handshake to verifyClient (the gate), and completes it when told to.
    const gate = new HandshakeGate();
    const completeUpgrade = sinon.spy();
    const handleUpgrade = sinon.stub().callsFake((request: IncomingMessage, upgraded: unknown, _head, done: (ws: unknown) => void) =>
      gate.verifyClient({ req: request }, (verified) => {
        if (!verified) return;
        completeUpgrade(request, upgraded);
        done(ws);
      }),
    );
    const wss = { handleUpgrade } as unknown as WebSocketServer;
    const protocols = new ConnectProtocols();
    const upgrade = upgradeHandler(session.context, wss, check, limits, protocols, gate);
    const socket = new RecordingSocket();
    /** Runs the upgrade of a handshake with these headers and options. */
    const run = (request: IncomingMessage = handshakeRequest({ ...VALID_HANDSHAKE, 'User-Agent': 'unit-test' })) =>
      upgrade(request, socket, Buffer.alloc(0), new URL(request.url ?? '/', 'ws://localhost:3001'));
    return { ...session, check, ws, handleUpgrade, completeUpgrade, socket, run, protocols };
  }

  /** The route keys the stub invoker ran, in order. */
  const invoked = (invoke: sinon.SinonStub<[RouteSpec, GatewayEvent], Promise<Outcome>>) => invoke.getCalls().map((call) => call.args[0].routeKey);

  describe('a handshake ws would refuse, or over the URL quota', () => {
    it('is refused with the problem’s status and headers, before the authorizer or $connect', async () => {
      const cases: [IncomingMessage, string, Record<string, string>][] = [
        [handshakeRequest({ ...VALID_HANDSHAKE }, { method: 'POST' }), 'HTTP/1.1 405 Method Not Allowed', {}],
        [handshakeRequest({ ...VALID_HANDSHAKE, 'Sec-WebSocket-Version': '8' }), 'HTTP/1.1 400 Bad Request', { 'sec-websocket-version': '13' }],
        [handshakeRequest({ ...VALID_HANDSHAKE, 'Sec-WebSocket-Key': 'short' }), 'HTTP/1.1 400 Bad Request', {}],
        [handshakeRequest({ ...VALID_HANDSHAKE }, { url: `/dev?${'a'.repeat(LIMITS.maxUrlLength)}` }), 'HTTP/1.1 414 URI Too Long', {}],
      ];
      for (const [request, statusLine, headers] of cases) {
        const { run, socket, check, invoke, completeUpgrade } = handler();
        await run(request);
        await socket.destroyedSoon();
        expect(parsed(socket.written).statusLine, statusLine).to.equal(statusLine);
        expect(parsed(socket.written).headers).to.include(headers);
        expect(check.callCount + invoke.callCount + completeUpgrade.callCount, statusLine).to.equal(0);
      }
    });

    it('holds to the URL limit it is given (the gateway option)', async () => {
      const { run, socket, check } = handler({ limits: { ...LIMITS, maxUrlLength: 10 } });
      await run(handshakeRequest({ ...VALID_HANDSHAKE }, { url: '/dev?a=1234' }));
      await socket.destroyedSoon();
      expect(parsed(socket.written).statusLine).to.equal('HTTP/1.1 414 URI Too Long');
      expect(check.callCount).to.equal(0);
    });
  });

  describe('the check (authorizer)', () => {
    it('is given the new connection: an API Gateway id, the TCP peer’s address (not X-Forwarded-For), the user agent', async () => {
      const { run, check } = handler();
      await run(handshakeRequest({ ...VALID_HANDSHAKE, 'User-Agent': 'unit-test', 'X-Forwarded-For': '6.6.6.6' }, { remoteAddress: '::ffff:198.51.100.4' }));
      const connection = check.firstCall.args[2];
      expect(connection.connectionId).to.match(/^[A-Za-z0-9_-]{15}=$/);
      expect(connection).to.include({ sourceIp: '198.51.100.4', userAgent: 'unit-test' });
    });

    it('keeps an IPv6 peer as it is, and says 127.0.0.1 when the peer is unknown', async () => {
      const sourceIpFor = async (remoteAddress: string | undefined) => {
        const { run, check } = handler();
        await run(handshakeRequest({ ...VALID_HANDSHAKE }, { remoteAddress }));
        return (check.firstCall.args[2] as EventConnection).sourceIp;
      };
      expect(await sourceIpFor('::1')).to.equal('::1');
      expect(await sourceIpFor('2001:db8::ffff:1')).to.equal('2001:db8::ffff:1');
      expect(await sourceIpFor(undefined)).to.equal('127.0.0.1');
    });

    it('refuses the handshake with the status it answers, and $connect never runs', async () => {
      const { run, socket, invoke, completeUpgrade } = handler({ verdict: { refuse: 403 } });
      await run();
      await socket.destroyedSoon();
      expect(parsed(socket.written).statusLine).to.equal('HTTP/1.1 403 Forbidden');
      expect(invoke.callCount + completeUpgrade.callCount).to.equal(0);
    });

    it('passes what it allowed to $connect and to the session', async () => {
      const { run, invoke, context, ws } = handler({ verdict: { authorizer: { principalId: 'user-1', tier: 'gold' } } });
      await run();
      expect(invoke.firstCall.args[1].requestContext.authorizer).to.deep.equal({ principalId: 'user-1', tier: 'gold' });
      const [connection] = [...context.registry.all()];
      expect(connection.authorizer).to.deep.equal({ principalId: 'user-1', tier: 'gold' });
      expect(connection.socket).to.equal(ws);
    });
  });

  describe('$connect', () => {
    it('runs with the handshake’s CONNECT event, then the upgrade completes and the session starts', async () => {
      const { run, invoke, completeUpgrade, context, socket, check } = handler();
      await run();
      expect(invoked(invoke)).to.deep.equal(['$connect']);
      const event = invoke.firstCall.args[1];
      expect(event.requestContext).to.include({ eventType: 'CONNECT', connectionId: check.firstCall.args[2].connectionId });
      expect(event.headers).to.include({ 'User-Agent': 'unit-test' }).and.not.have.any.keys('Upgrade', 'Connection');
      expect(completeUpgrade.callCount).to.equal(1);
      expect(completeUpgrade.firstCall.args[1]).to.equal(socket);
      expect(context.registry.size).to.equal(1);
      expect(socket.written).to.equal('');
    });

    it('refuses the handshake with a status outside 2xx it answers, and no session starts', async () => {
      for (const [statusCode, statusLine] of [
        [401, 'HTTP/1.1 401 Unauthorized'],
        [302, 'HTTP/1.1 302 Found'],
        [500, 'HTTP/1.1 500 Internal Server Error'],
        [199, 'HTTP/1.1 199 Error'],
      ] as const) {
        const { run, socket, completeUpgrade, context } = handler({ connect: outcome({ result: { statusCode } }) });
        await run();
        await socket.destroyedSoon();
        expect(parsed(socket.written).statusLine).to.equal(statusLine);
        expect(completeUpgrade.callCount + context.registry.size).to.equal(0);
      }
    });

    it('accepts any 2xx', async () => {
      const { run, completeUpgrade } = handler({ connect: outcome({ result: { statusCode: 299 } }) });
      await run();
      expect(completeUpgrade.callCount).to.equal(1);
    });

    it('refuses with 502 when it throws or times out', async () => {
      const { run, socket, completeUpgrade } = handler({ connect: outcome({ error: { name: 'Sandbox.Timedout', message: 'timed out' } }) });
      await run();
      await socket.destroyedSoon();
      expect(parsed(socket.written).statusLine).to.equal('HTTP/1.1 502 Bad Gateway');
      expect(completeUpgrade.callCount).to.equal(0);
    });

    it('keeps the subprotocol it answered, for ws to echo', async () => {
      const { run, protocols } = handler({ connect: outcome({ result: { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'chat' } } }) });
      const request = handshakeRequest({ ...VALID_HANDSHAKE, 'Sec-WebSocket-Protocol': 'chat' });
      await run(request);
      expect(protocols.choose(new Set(['chat']), request)).to.equal('chat');
    });

    it('is not needed: without the route the handshake is accepted', async () => {
      const { run, invoke, completeUpgrade, context } = handler();
      context.api.routes.delete('$connect');
      await run();
      expect(invoke.callCount).to.equal(0);
      expect(completeUpgrade.callCount).to.equal(1);
    });
  });

  describe('a client that goes away while $connect runs', () => {
    it('gets no session, and $disconnect undoes what $connect stored (1006)', async () => {
      const { run, invoke, socket, completeUpgrade, context } = handler();
      invoke.callsFake(async (route: RouteSpec) => {
        if (route.routeKey === '$connect') socket.destroy();
        return outcome({ result: { statusCode: 200 } });
      });
      await run();
      expect(completeUpgrade.callCount + context.registry.size).to.equal(0);
      expect(invoked(invoke)).to.deep.equal(['$connect', '$disconnect']);
      expect(invoke.secondCall.args[1].requestContext).to.include({
        connectionId: invoke.firstCall.args[1].requestContext.connectionId,
        disconnectStatusCode: 1006,
        disconnectReason: 'Client went away during $connect',
      });
    });

    it('gets no $disconnect when no $connect ran', async () => {
      const { run, invoke, socket, completeUpgrade, context, check } = handler();
      context.api.routes.delete('$connect');
      check.callsFake(async () => {
        socket.end();
        return {};
      });
      await run();
      expect(completeUpgrade.callCount).to.equal(0);
      expect(invoke.callCount).to.equal(0);
      expect(socket.destroyed).to.equal(true);
    });
  });

  describe('socket errors during the handshake', () => {
    it('are logged with the connection id and the error’s code', async () => {
      const { run, socket, context, check } = handler();
      check.callsFake(async () => {
        socket.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
        return {};
      });
      await run();
      const line = (context.log as sinon.SinonSpy).firstCall.args[0] as string;
      expect(line).to.include('ECONNRESET').and.include(check.firstCall.args[2].connectionId);
    });
  });

  describe('the accepted connection', () => {
    it('is closed with 1009 when the client sends a frame over the frame limit it is given', async () => {
      const { run, socket, ws } = handler({ limits: { ...LIMITS, maxFrameBytes: 100 } });
      await run();
      socket.emit('data', frame(1, Buffer.alloc(100, 'a')));
      expect(ws.close.callCount).to.equal(0);
      socket.emit('data', frame(1, Buffer.alloc(101, 'a')));
      expect(ws.close.calledOnceWithExactly(1009, 'Frame too big')).to.equal(true);
    });
  });
});
