import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { CLOSE_CODES, ROUTE_KEYS } from './constants.js';
import { connectEvent, disconnectEvent, newId, type EventConnection } from './events.js';
import { limitFrameSize } from './frame-limit.js';
import type { HandshakeGate, VerifyDone } from './handshake-gate.js';
import { handshakeProblem } from './handshake.js';
import { statusOf } from './route-invocation.js';
import { runSession, socketErrorLine, type SessionContext } from './session.js';
import type { ConnectProtocols } from './subprotocol.js';

/**
 * Answers a handshake with an HTTP error and closes the socket, as API Gateway refuses one;
 * like `ws`'s `abortHandshake`, the socket is destroyed once the answer is written.
 */
export function refuseHandshake(socket: Duplex, status: number, headers: Record<string, string> = {}): void {
  // A client that resets while being refused is no error of ours (and must not throw: the
  // HTTP server no longer listens for errors on an upgrade's socket).
  if (socket.listenerCount('error') === 0) socket.on('error', () => {});
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.once('finish', () => socket.destroy());
  const body = JSON.stringify({ message: STATUS_CODES[status] ?? 'Error' });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      lines.join('') +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Checks a handshake before `$connect` runs; answers an HTTP status to refuse it. */
export type HandshakeCheck = (
  request: IncomingMessage,
  url: URL,
  connection: EventConnection,
) => Promise<{ refuse: number; headers?: Record<string, string> } | { authorizer?: Record<string, unknown> }>;

/** The limits a handshake and its connection are held to (the gateway's options). */
export interface UpgradeLimits {
  /** Longest URL (path and query string); longer is refused with 414. */
  maxUrlLength: number;
  /** Largest single data frame a client may send; a bigger one closes the connection with 1009. */
  maxFrameBytes: number;
}

/**
 * Handles a WebSocket upgrade on the stage's path: the handshake stays pending while
 * `$connect` runs, and completes only if it answers 2xx; otherwise the client gets that
 * status. Without a `$connect` route the connection is accepted, as on AWS. A URL over the
 * quota or a request that is no handshake is refused first; then `ws` itself parses the
 * handshake (the {@link HandshakeGate}), and only one it would complete reaches the authorizer
 * and `$connect`. Every handshake is answered: an unexpected failure refuses it with 500, and a
 * `$connect` that stored a record for a handshake that then does not complete is followed by
 * `$disconnect`. The subprotocol `$connect` answers with is kept in `protocols`, whose `choose`
 * is the `handleProtocols` of `wss`.
 */
export function upgradeHandler(
  context: SessionContext,
  wss: WebSocketServer,
  check: HandshakeCheck,
  limits: UpgradeLimits,
  protocols: ConnectProtocols,
  gate: HandshakeGate,
) {
  return async (request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> => {
    const problem = handshakeProblem(request, limits.maxUrlLength);
    if (problem) return refuseHandshake(socket, problem.status, problem.headers);
    const connectionId = newId();
    // A client that vanishes mid-handshake is no error of ours, but the line says why.
    socket.on('error', (error: Error & { code?: string }) => context.log(socketErrorLine(connectionId, error)));
    const now = Date.now();
    const connection = {
      connectionId,
      connectedAt: now,
      lastActiveAt: now,
      // The TCP peer, as API Gateway reports it (a client's own X-Forwarded-For is not trusted).
      sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      userAgent: request.headers['user-agent'],
      authorizer: undefined as Record<string, unknown> | undefined,
    };
    let decide: (done: VerifyDone) => void = () => {};
    const passed = new Promise<VerifyDone>((resolve) => (decide = resolve));
    gate.expect(request, (done) => decide(done));
    let upgraded = false;
    wss.handleUpgrade(request, socket, head, (ws) => {
      upgraded = true;
      limitFrameSize(ws, socket, limits.maxFrameBytes);
      runSession(context, { ...connection, socket: ws });
    });
    if (!gate.passed(request)) return; // ws refused it, and answered: nothing ran
    const done = await passed;
    // The stage's throttling comes first: a throttled $connect runs neither the authorizer nor $connect.
    if (!context.admit(ROUTE_KEYS.connect)) return refuseHandshake(socket, 429);
    const route = context.api.routes.get(ROUTE_KEYS.connect);
    let connected = false;
    const undo = async (reason: string) => {
      const disconnect = context.api.routes.get(ROUTE_KEYS.disconnect);
      if (connected && disconnect) await context.invoke(disconnect, disconnectEvent(context.identity, connection, CLOSE_CODES.abnormal, reason));
    };
    try {
      const verdict = await check(request, url, connection);
      if ('refuse' in verdict) return refuseHandshake(socket, verdict.refuse, verdict.headers);
      connection.authorizer = verdict.authorizer;
      if (route) {
        const outcome = await context.invoke(route, connectEvent(context.identity, connection, request, url));
        // Past the integration timeout the function runs on: shutdown waits for it like any invocation.
        if ('integrationTimedOut' in outcome) context.track(outcome.running);
        // A $connect that throws, times out, or outlives the integration timeout: API Gateway refuses the handshake with 502.
        const status = statusOf(outcome, ROUTE_KEYS.connect);
        if (status < 200 || status >= 300) return refuseHandshake(socket, status);
        connected = true;
        protocols.remember(request, outcome);
      }
    } catch (error) {
      // Never a handshake left hanging: whatever failed, the client gets an answer.
      context.log(`gateway error: handshake ${connectionId}: ${(error as Error).message}`);
      if (!socket.destroyed) refuseHandshake(socket, 500);
      return undo('The handshake failed');
    }
    // ws refuses such a socket too (it would never open a session), so check it the same way.
    if (socket.destroyed || !socket.readable || !socket.writable) {
      // The client gave up while $connect ran: undo what $connect stored, as a close would.
      socket.destroy();
      return undo('Client went away during $connect');
    }
    done(true);
    // ws completes the handshake at once, or not at all (stopping: 503).
    if (!upgraded) {
      if (!socket.destroyed) socket.destroy();
      return undo('The handshake did not complete');
    }
  };
}
