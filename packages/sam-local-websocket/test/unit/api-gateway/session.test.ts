import { expect } from 'chai';
import sinon from 'sinon';
import { goAway, runSession, socketErrorLine, type SessionContext } from '../../../src/api-gateway/session.js';
import { FakeWebSocket, fakeConnection, outcome, sessionContext, socketOf } from './fakes.js';
import type { Outcome } from '../../../src/lambda/container-protocol.js';

const IDLE_MS = 10_000;
const MAX_MS = 60_000;
const T0 = Date.UTC(2026, 10, 30, 1, 0, 0);

describe('runSession', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers({ now: T0 })));
  afterEach(() => clock.restore());

  /** A session on a fresh fake connection, last active now. */
  function open(overrides: Partial<SessionContext> = {}) {
    const session = sessionContext({ idleTimeoutMs: IDLE_MS, maxDurationMs: MAX_MS, ...overrides });
    const connection = fakeConnection({ connectedAt: Date.now(), lastActiveAt: Date.now() });
    runSession(session.context, connection);
    return { ...session, connection, socket: socketOf(connection) };
  }

  describe('its connection in the registry', () => {
    it('is there while open and gone once closed', () => {
      const { context, connection, socket } = open();
      expect(context.registry.get(connection.connectionId)).to.equal(connection);
      socket.closedBy(1000);
      expect(context.registry.get(connection.connectionId)).to.equal(undefined);
      expect(context.registry.size).to.equal(0);
    });
  });

  describe('text frames', () => {
    it('routes a frame to the selected route’s function with a MESSAGE event, and sends its body back when the route returns it', async () => {
      const { invoke, socket, connection, settled, context } = open();
      socket.emit('message', Buffer.from('{"action":"broadcast","data":"hi"}'), false);
      await settled();
      expect((context.selectRoute as sinon.SinonStub).calledOnceWithExactly('{"action":"broadcast","data":"hi"}')).to.equal(true);
      const [called, event] = invoke.firstCall.args;
      expect(called.routeKey).to.equal('broadcast');
      expect(event.body).to.equal('{"action":"broadcast","data":"hi"}');
      expect(event.requestContext).to.include({ routeKey: 'broadcast', eventType: 'MESSAGE', connectionId: connection.connectionId });
      expect(socket.sent).to.deep.equal(['reply']);
    });

    it('sends nothing back for a route without a route response', async () => {
      const { invoke, socket, settled } = open();
      socket.emit('message', Buffer.from('{"action":"echo"}'), false);
      await settled();
      expect(invoke.callCount).to.equal(1);
      expect(socket.send.callCount).to.equal(0);
    });

    it('sends nothing back when the answer has no string body', async () => {
      const { invoke, socket, settled } = open();
      for (const result of [{ statusCode: 200 }, { body: { not: 'a string' } }, null, 'plain']) {
        invoke.resolves(outcome({ result }));
        socket.emit('message', Buffer.from('{"action":"broadcast"}'), false);
      }
      await settled();
      expect(invoke.callCount).to.equal(4);
      expect(socket.send.callCount).to.equal(0);
    });

    it('answers API Gateway’s "Internal server error" frame when the function fails, with the ids of the request', async () => {
      const { invoke, socket, connection, settled } = open();
      invoke.resolves(outcome({ error: { name: 'Sandbox.Timedout', message: 'timed out' } }));
      socket.emit('message', Buffer.from('{"action":"broadcast"}'), false);
      await settled();
      const event = invoke.firstCall.args[1];
      expect(socket.sent.map((frame) => JSON.parse(frame))).to.deep.equal([
        { message: 'Internal server error', connectionId: connection.connectionId, requestId: event.requestContext.requestId },
      ]);
    });

    it('answers "Endpoint request timed out" when the integration timed out, and tracks the function that runs on', async () => {
      const { invoke, socket, connection, settled, tracked } = open();
      const running = Promise.resolve(outcome({ result: null }));
      invoke.resolves({
        ...outcome({ error: { name: 'IntegrationTimeout', message: 'Endpoint request timed out' } }),
        integrationTimedOut: true,
        running,
      } as unknown as Outcome);
      socket.emit('message', Buffer.from('{"action":"broadcast"}'), false);
      await settled();
      const event = invoke.firstCall.args[1];
      expect(socket.sent).to.deep.equal([
        `{"message": "Endpoint request timed out", "connectionId":"${connection.connectionId}", "requestId":"${event.requestContext.requestId}"}`,
      ]);
      expect(tracked).to.include(running);
    });

    it('answers "Forbidden" and runs nothing when no route is selected, or the selected one does not exist', async () => {
      const { invoke, socket, connection, settled } = open();
      socket.emit('message', Buffer.from('{"nothing":"here"}'), false);
      socket.emit('message', Buffer.from('{"action":"no-such-route"}'), false);
      await settled();
      expect(invoke.callCount).to.equal(0);
      const frames = socket.sent.map((frame) => JSON.parse(frame) as { message: string; connectionId: string; requestId: string });
      expect(frames.map((frame) => [frame.message, frame.connectionId])).to.deep.equal([
        ['Forbidden', connection.connectionId],
        ['Forbidden', connection.connectionId],
      ]);
      expect(frames[0].requestId).to.match(/^[A-Za-z0-9_-]{15}=$/);
    });

    it('hands every invocation to track (so shutdown waits for it)', () => {
      const { socket, tracked } = open();
      socket.emit('message', Buffer.from('{"action":"echo"}'), false);
      socket.emit('message', Buffer.from('{"action":"echo"}'), false);
      expect(tracked).to.have.length(2);
    });

    it('marks the connection active when a frame arrives', () => {
      const { socket, connection } = open();
      clock.tick(1234);
      socket.emit('message', Buffer.from('{"action":"echo"}'), false);
      expect(connection.lastActiveAt).to.equal(T0 + 1234);
    });
  });

  describe('binary frames', () => {
    it('closes the connection with 1003 and runs no route', async () => {
      const { invoke, socket, tracked } = open();
      socket.emit('message', Buffer.from([0xde, 0xad]), true);
      expect(socket.close.calledOnceWithExactly(1003, 'Binary frames are not supported')).to.equal(true);
      expect(invoke.callCount).to.equal(0);
      expect(tracked).to.have.length(0);
    });
  });

  describe('timers', () => {
    /** Expects the socket closed with 1001 exactly `ms` from now, and not 1 ms earlier. */
    const expectGoingAwayIn = (socket: FakeWebSocket, ms: number) => {
      clock.tick(ms - 1);
      expect(socket.close.callCount).to.equal(0);
      clock.tick(1);
      expect(socket.close.calledOnceWithExactly(1001, 'Going away')).to.equal(true);
    };

    it('closes an idle connection with 1001 after the idle timeout, not before', () => {
      expectGoingAwayIn(open().socket, IDLE_MS);
    });

    it('counts the idle timeout from the last frame', () => {
      const { socket } = open();
      clock.tick(IDLE_MS / 2);
      socket.emit('message', Buffer.from('{"action":"echo"}'), false);
      expectGoingAwayIn(socket, IDLE_MS);
    });

    it('closes a busy connection with 1001 at the maximum duration', () => {
      const { socket } = open();
      // A frame every half idle timeout, right up to the maximum duration.
      for (let at = 0; at < MAX_MS - IDLE_MS / 2; at += IDLE_MS / 2) {
        socket.emit('message', Buffer.from('{"action":"echo"}'), false);
        clock.tick(IDLE_MS / 2);
      }
      socket.emit('message', Buffer.from('{"action":"echo"}'), false);
      expectGoingAwayIn(socket, IDLE_MS / 2);
    });

    it('stops both timers once the connection closes', () => {
      const { socket } = open();
      socket.closedBy(1000);
      clock.tick(MAX_MS * 2);
      expect(socket.close.callCount).to.equal(0);
      expect(clock.countTimers()).to.equal(0);
    });
  });

  describe('close', () => {
    it('runs $disconnect with the close code and reason the client sent', async () => {
      const { invoke, socket, connection, settled } = open();
      socket.closedBy(4000, 'bye');
      await settled();
      expect(invoke.callCount).to.equal(1);
      const [called, event] = invoke.firstCall.args;
      expect(called.routeKey).to.equal('$disconnect');
      expect(event.requestContext).to.include({
        eventType: 'DISCONNECT',
        connectionId: connection.connectionId,
        disconnectStatusCode: 4000,
        disconnectReason: 'bye',
      });
    });

    it('tracks $disconnect to its end, also past the integration timeout (shutdown waits for it)', async () => {
      const { invoke, socket, tracked } = open();
      let end: (outcome: Outcome) => void = () => {};
      const running = new Promise<Outcome>((done) => (end = done));
      invoke.resolves({
        ...outcome({ error: { name: 'IntegrationTimeout', message: 'Endpoint request timed out' } }),
        integrationTimedOut: true,
        running,
      } as unknown as Outcome);
      socket.closedBy(1000, '');
      let ended = false;
      const disconnect = tracked.at(-1)!.then(() => (ended = true));
      for (let turn = 0; turn < 5; turn++) await Promise.resolve(); // the invoker's answer is in; the function has not ended
      expect(ended).to.equal(false);
      end(outcome({ result: null }));
      await disconnect;
      expect(ended).to.equal(true);
    });

    it('runs nothing on close when the API has no $disconnect route, but still forgets the connection', () => {
      const { context } = sessionContext();
      context.api.routes.delete('$disconnect');
      const connection = fakeConnection();
      runSession(context, connection);
      socketOf(connection).closedBy(1001);
      expect((context.invoke as sinon.SinonStub).callCount).to.equal(0);
      expect(context.registry.size).to.equal(0);
    });
  });

  describe('socket errors', () => {
    it('logs a socket error with ws’s stable code, or the error’s name without one', () => {
      const { socket, context, connection } = open();
      const tooBig = Object.assign(new RangeError('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
      socket.emit('error', tooBig);
      socket.emit('error', new TypeError('odd'));
      const log = context.log as sinon.SinonSpy;
      expect(log.args.map(([line]) => line)).to.deep.equal([
        socketErrorLine(connection.connectionId, tooBig),
        socketErrorLine(connection.connectionId, new TypeError('odd')),
      ]);
      expect(log.firstCall.args[0]).to.include('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH').and.include(connection.connectionId);
      expect(log.secondCall.args[0]).to.include('TypeError: odd');
    });
  });

  describe('opened while the gateway is closing', () => {
    it('is closed at once with 1001, its close tracked, and $disconnect still runs', async () => {
      const { socket, tracked, invoke, settled } = open({ closing: () => true });
      expect(socket.close.calledOnceWithExactly(1001, 'Going away')).to.equal(true);
      expect(tracked).to.have.length(1);
      socket.closedBy(1001);
      await settled();
      expect(invoke.firstCall.args[0].routeKey).to.equal('$disconnect');
    });
  });
});

describe('goAway', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers()));
  afterEach(() => clock.restore());

  it('sends 1001 and resolves once the client answers, without cutting it', async () => {
    const socket = new FakeWebSocket();
    const gone = goAway(socket.asWebSocket);
    expect(socket.close.calledOnceWithExactly(1001, 'Going away')).to.equal(true);
    socket.closedBy(1001);
    await gone;
    clock.tick(5_000);
    expect(socket.terminate.callCount).to.equal(0);
  });

  it('leaves a client that does not answer to ws’s closeTimeout (the gateway’s closeTimeoutMs): no timer of its own', async () => {
    const socket = new FakeWebSocket();
    const gone = goAway(socket.asWebSocket);
    expect(clock.countTimers()).to.equal(0);
    socket.closedBy(1006);
    await gone;
  });

  it('resolves at once for a socket already closed, sending nothing', async () => {
    const socket = new FakeWebSocket();
    socket.readyState = socket.CLOSED;
    await goAway(socket.asWebSocket);
    expect(socket.close.callCount).to.equal(0);
    expect(clock.countTimers()).to.equal(0);
  });
});
