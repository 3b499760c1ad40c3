import type { AgentOptions, ClientRequest } from 'node:http';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import type { Duplex } from 'node:stream';

// Not `import { Agent } from 'node:http'`: an ES module import of node:http makes Node.js
// evaluate every export of the module, and its lazy `WebSocket` getter loads all of undici,
// about 15 ms of every cold start (nodejs/node#57649). process.getBuiltinModule does not.
const { Agent: HttpAgent } = process.getBuiltinModule('node:http');
const { Agent: HttpsAgent } = process.getBuiltinModule('node:https');
type HttpAgent = InstanceType<typeof HttpAgent>;
type HttpsAgent = InstanceType<typeof HttpsAgent>;

/**
 * Whether a request may have reached the server, told apart on its socket: `$requestSent` on
 * an error is `false` only when no byte of the request can have left this process, so a
 * retry cannot deliver it twice; `true` (or absent) when some may have.
 *
 * - A new connection sends nothing before it is connected (for TLS: before its handshake is
 *   done, as Node.js sends no early data): a refused connection, a failed DNS lookup, a reset
 *   or timeout while connecting leave the request unsent. (What `socket.bytesWritten` counts
 *   meanwhile is only queued, so it cannot tell.) Once connected, the request may have left.
 * - A kept-alive socket handed to a new request: `node:http` writes the request to it right
 *   after it emits `socket` on the request. A write the kernel refuses outright (the server reset the idle
 *   socket, and the write fails with ECONNRESET or EPIPE) sent no byte, and marks the socket
 *   `errored` at once; one that is not refused then may have left, whatever comes
 *   after. (`bytesWritten` cannot tell here either: it counts a refused `writev` as written.)
 */
interface SocketState {
  /** Some of the current request may have left on the socket. */
  maySend: boolean;
}

/** Where a tracked socket keeps its state: on itself, for its own life (no registry of sockets). */
const STATE = Symbol('request-fate');
type TrackedSocket = Duplex & { [STATE]?: SocketState };
const stateOf = (socket: Duplex): SocketState | undefined => (socket as TrackedSocket)[STATE];

/** True when some of the current request may have left on `socket` (unknown sockets: true). */
export function socketWrote(socket: Duplex): boolean {
  return stateOf(socket)?.maySend ?? true;
}

/** True when some of `request` may have left this process; false while it has no socket. */
export function requestWritten(request: ClientRequest): boolean {
  return request.socket ? socketWrote(request.socket) : false;
}

/** Records on `error` whether its request may have been sent, unless it says so already. */
export function markSent<T>(error: T, sent: boolean): T {
  if (error !== null && typeof error === 'object' && (error as { $requestSent?: boolean }).$requestSent === undefined) {
    Object.assign(error, { $requestSent: sent });
  }
  return error;
}

/**
 * Watches a new socket: nothing may have left before it is connected (`secureConnect` for
 * TLS), and its errors are marked with whether the current request may have been sent. This
 * listener is the socket's first, so the mark is there before `node:http` hands the error to
 * the request (and to an SDK client's handler, which rejects with it).
 */
function watchNewSocket(socket: Duplex): void {
  const state: SocketState = { maySend: false };
  (socket as TrackedSocket)[STATE] = state;
  socket.once((socket as { encrypted?: boolean }).encrypted ? 'secureConnect' : 'connect', () => {
    state.maySend = true;
  });
  socket.on('error', (error: Error) => markSent(error, state.maySend));
}

/**
 * A kept-alive socket handed to a new request: nothing of it is written yet. `node:http` emits
 * `socket` on the request and writes the request right after, in the same tick; the tick
 * queued from that listener runs just after the write. A write the kernel refused there has
 * already set the socket's `errored` (synchronously, with nothing sent), while anything that
 * fails later can only come from the event loop, after the request left.
 */
function reused(socket: Duplex, request: ClientRequest): void {
  const state = stateOf(socket);
  if (!state) return;
  state.maySend = false;
  request.once('socket', onReusedSocket);
}

// Plain functions with arguments, no closures: this runs for every post on a kept-alive socket.
function onReusedSocket(socket: Duplex): void {
  process.nextTick(afterFirstWrite, socket);
}

function afterFirstWrite(socket: Duplex): void {
  const state = stateOf(socket);
  if (state) state.maySend = !(socket.errored || socket.destroyed);
}

/**
 * Makes `agent` (of `http` or `https`) track its sockets: the two methods `node:http` calls
 * when it hands a request a new socket or a kept-alive one (the ones its docs name for an
 * Agent subclass to override), each followed by the watch above.
 */
function tracked<T extends HttpAgent>(agent: T): T {
  const createConnection = agent.createConnection.bind(agent);
  const reuseSocket = agent.reuseSocket.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = createConnection(options, callback);
    if (socket) watchNewSocket(socket);
    return socket;
  };
  agent.reuseSocket = (socket, request) => {
    reuseSocket(socket, request);
    reused(socket, request);
  };
  return agent;
}

/**
 * A keep-alive pool for each protocol, as the SDK's handler builds it (50 sockets unless
 * told), whose failed requests say whether they may have been sent. Pass them to an SDK
 * client as `requestHandler: { httpAgent, httpsAgent }`.
 */
export function trackedAgents(options: AgentOptions & HttpsAgentOptions = {}): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const pool = { keepAlive: true, ...options, maxSockets: options.maxSockets ?? 50 };
  return { httpAgent: tracked(new HttpAgent(pool)), httpsAgent: tracked(new HttpsAgent(pool)) };
}
