import type { RawData, WebSocket } from 'ws';
import { CLOSE_CODES, ROUTE_KEYS } from './constants.js';
import { disconnectEvent, messageEvent, type ApiIdentity } from './events.js';
import type { Connection, ConnectionRegistry } from './connection-registry.js';
import { bodyOf, gatewayFrame, type RouteInvoker, type RouteOutcome } from './route-invocation.js';
import type { Outcome } from '../lambda/container-protocol.js';
import type { WebSocketApiSpec } from '../template/template.js';

/** What a connection's life needs from the gateway. */
export interface SessionContext {
  api: WebSocketApiSpec;
  identity: ApiIdentity;
  registry: ConnectionRegistry;
  invoke: RouteInvoker;
  selectRoute: (body: string) => string | undefined;
  /** The stage's throttling (throttle.ts): true when a request to this route may go on. */
  admit: (routeKey: string) => boolean;
  idleTimeoutMs: number;
  maxDurationMs: number;
  /** Tracks work that shutdown waits for (invocations under way); a failure there is logged. */
  track: (work: Promise<unknown>) => void;
  /** True once the gateway is stopping: a session that opens now is closed at once. */
  closing: () => boolean;
  /** The gateway's console line (socket errors). */
  log: (line: string) => void;
}

/** The line for a socket error: ws's stable code (e.g. `WS_ERR_UNSUPPORTED_MESSAGE_LENGTH`) or the system's (`ECONNRESET`). */
export function socketErrorLine(connectionId: string, error: Error & { code?: string }): string {
  return `socket       ${connectionId}  ${error.code ?? error.name}: ${error.message}`;
}

/**
 * Runs an accepted connection until it closes: routes each text frame, closes on binary
 * frames (1003), on idleness and at the maximum duration (1001), then runs `$disconnect`.
 */
export function runSession(context: SessionContext, connection: Connection): void {
  const { socket, connectionId } = connection;
  context.registry.add(connection);

  const closeIfIdle = (): void => {
    const idleFor = Date.now() - connection.lastActiveAt;
    if (idleFor >= context.idleTimeoutMs) socket.close(CLOSE_CODES.goingAway, 'Going away');
    else idleTimer = setTimeout(closeIfIdle, context.idleTimeoutMs - idleFor);
  };
  let idleTimer = setTimeout(closeIfIdle, context.idleTimeoutMs);
  const lifeTimer = setTimeout(() => socket.close(CLOSE_CODES.goingAway, 'Going away'), context.maxDurationMs);

  socket.on('message', (data: RawData, isBinary: boolean) => {
    connection.lastActiveAt = Date.now();
    if (isBinary) {
      socket.close(CLOSE_CODES.unsupportedData, 'Binary frames are not supported');
      return;
    }
    context.track(route(context, connection, data.toString()));
  });

  // Protocol errors (too big: 1009, invalid UTF-8: 1007) are answered by ws with a close;
  // the error says why, with ws's code.
  socket.on('error', (error: Error & { code?: string }) => context.log(socketErrorLine(connectionId, error)));

  socket.on('close', (code: number, reason: Buffer) => {
    clearTimeout(idleTimer);
    clearTimeout(lifeTimer);
    context.registry.remove(connectionId);
    const route = context.api.routes.get(ROUTE_KEYS.disconnect);
    // Tracked to its end, even past the integration timeout: shutdown waits for $disconnect.
    if (route) context.track(context.invoke(route, disconnectEvent(context.identity, connection, code, reason.toString())).then(untilEnded));
  });

  // Its $connect finished after shutdown began: close it like the others, so $disconnect runs.
  if (context.closing()) context.track(goAway(socket));
}

/**
 * Closes a connection with 1001 as API Gateway does when it goes away; a client that does not
 * answer the close frame is cut by ws after the gateway's `closeTimeoutMs`. Resolves after the
 * socket's close listeners ran (the session's, which starts `$disconnect`, was added first).
 */
export function goAway(socket: WebSocket): Promise<void> {
  return new Promise((done) => {
    if (socket.readyState === socket.CLOSED) return done();
    socket.once('close', () => done());
    socket.close(CLOSE_CODES.goingAway, 'Going away');
  });
}

/** The outcome once the function has ended, also when API Gateway stopped waiting for it. */
const untilEnded = (outcome: RouteOutcome): Promise<Outcome> | RouteOutcome => ('integrationTimedOut' in outcome ? outcome.running : outcome);

async function route(context: SessionContext, connection: Connection, body: string): Promise<void> {
  const routeKey = context.selectRoute(body);
  const route = routeKey === undefined ? undefined : context.api.routes.get(routeKey);
  const event = messageEvent(context.identity, connection, routeKey ?? ROUTE_KEYS.default, body);
  if (!context.admit(routeKey ?? ROUTE_KEYS.default)) {
    connection.socket.send(gatewayFrame('Too Many Requests', connection.connectionId, event.requestContext.requestId));
    return;
  }
  if (!route) {
    connection.socket.send(gatewayFrame('Forbidden', connection.connectionId, event.requestContext.requestId));
    return;
  }
  const outcome = await context.invoke(route, event);
  if (!outcome.ok) {
    const timedOut = 'integrationTimedOut' in outcome;
    // The function runs on to its own Timeout: shutdown waits for it like any invocation.
    if (timedOut) context.track(outcome.running);
    connection.socket.send(
      gatewayFrame(timedOut ? 'Endpoint request timed out' : 'Internal server error', connection.connectionId, event.requestContext.requestId),
    );
    return;
  }
  const reply = bodyOf(outcome);
  if (route.returnsBody && reply !== undefined) connection.socket.send(reply);
}
