/** Fakes of the API Gateway room's collaborators, shared by its unit tests. */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import sinon from 'sinon';
import type { WebSocket } from 'ws';
import { ConnectionRegistry, type Connection } from '../../../src/api-gateway/connection-registry.js';
import type { GatewayEvent } from '../../../src/api-gateway/events.js';
import type { SessionContext } from '../../../src/api-gateway/session.js';
import type { Outcome } from '../../../src/lambda/container-protocol.js';
import type { RouteSpec } from '../../../src/template/template.js';

/**
 * A `ws` WebSocket as the gateway uses it: an EventEmitter whose `send`, `close` and
 * `terminate` are stubs. `close` records, and moves an open socket to CLOSING as ws does; a
 * test emits `close` itself, as the peer's answer, when it wants the socket closed.
 */
export class FakeWebSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 1;
  readonly send = sinon.stub();
  readonly close = sinon.spy((_code?: number, _reason?: string): void => {
    if (this.readyState === this.OPEN) this.readyState = this.CLOSING;
  });
  readonly terminate = sinon.stub();

  /** The peer's close: the socket is closed and `close` is emitted with the code and reason. */
  closedBy(code: number, reason = ''): void {
    this.readyState = this.CLOSED;
    this.emit('close', code, Buffer.from(reason));
  }

  /**
   * The frames sent so far, as text. As in `ws`, anything but a string is a binary frame unless
   * sent with `binary: false`: such a frame shows as `<binary …>`, never as the text it holds.
   */
  get sent(): string[] {
    return this.send
      .getCalls()
      .map(({ args: [data, options] }) =>
        typeof data === 'string' || (options as { binary?: boolean } | undefined)?.binary === false ? String(data) : `<binary ${String(data)}>`,
      );
  }

  get asWebSocket(): WebSocket {
    return this as unknown as WebSocket;
  }
}

/** An open connection on a fake socket. */
export function fakeConnection(overrides: Partial<Connection> = {}): Connection & { socket: WebSocket } {
  return {
    connectionId: 'AAAAAAAAAAAAAAA=',
    socket: new FakeWebSocket().asWebSocket,
    connectedAt: Date.UTC(2026, 10, 30, 1, 0, 0),
    lastActiveAt: Date.UTC(2026, 10, 30, 1, 0, 0),
    sourceIp: '203.0.113.7',
    userAgent: 'unit-test',
    ...overrides,
  };
}

/** The fake socket behind a connection made by {@link fakeConnection}. */
export const socketOf = (connection: Connection): FakeWebSocket => connection.socket as unknown as FakeWebSocket;

/** A route as the template gives it. */
export function route(routeKey: string, overrides: Partial<RouteSpec> = {}): RouteSpec {
  return {
    routeKey,
    logicalId: `${routeKey.replace(/\W/g, '')}Route`,
    functionId: `${routeKey.replace(/\W/g, '')}Function`,
    returnsBody: false,
    integrationTimeoutMs: 29_000,
    ...overrides,
  };
}

/** A function's answer (`result`), or its failure (`error`), as the invoker reports it. */
export function outcome(answer: { result: unknown } | { error: { name: string; message: string } }, ms = 5): Outcome {
  return 'error' in answer ? { ok: false, error: answer.error, ms, requestId: 'req-1' } : { ok: true, result: answer.result, ms, requestId: 'req-1', cpuMs: 2 };
}

/** A handshake request as node:http hands it over (headers, raw headers, the TCP peer). */
export function handshakeRequest(
  headers: Record<string, string>,
  options: { method?: string; url?: string; remoteAddress?: string | undefined } = {},
): IncomingMessage {
  const { method = 'GET', url = '/dev' } = options;
  // An explicit `remoteAddress: undefined` stands for a peer node:http no longer knows.
  const remoteAddress = 'remoteAddress' in options ? options.remoteAddress : '::ffff:198.51.100.4';
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    method,
    url,
    headers: lower,
    rawHeaders: Object.entries(headers).flat(),
    socket: { remoteAddress, localPort: 3001 },
  } as unknown as IncomingMessage;
}

/** The headers of a valid WebSocket handshake (RFC 6455's example key). */
export const VALID_HANDSHAKE = {
  Host: 'localhost:3001',
  Upgrade: 'websocket',
  Connection: 'Upgrade',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Version': '13',
} as const;

/** A TCP socket that keeps what is written to it, as the upgrade's socket (a Duplex). */
export class RecordingSocket extends Duplex {
  private readonly chunks: Buffer[] = [];

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    done();
  }

  /** Everything written, as text. */
  get written(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** Resolves once the socket is destroyed (after a refusal was written). */
  destroyedSoon(): Promise<void> {
    return new Promise((resolve) => (this.destroyed ? resolve() : this.once('close', () => resolve())));
  }
}

/**
 * A session's context with a stub invoker (answering 200 with the body `reply`) and a real
 * registry; routes $connect, $disconnect, broadcast and $default (both return their body),
 * echo; the route is the body's `action`.
 */
export function sessionContext(overrides: Partial<SessionContext> = {}) {
  const invoke = sinon.stub<[RouteSpec, GatewayEvent], Promise<Outcome>>().resolves(outcome({ result: { statusCode: 200, body: 'reply' } }));
  const tracked: Promise<unknown>[] = [];
  const context: SessionContext = {
    api: {
      logicalId: 'Api',
      warnings: [],
      routeSelectionExpression: '$request.body.action',
      routes: new Map([
        ['$connect', route('$connect')],
        ['$disconnect', route('$disconnect')],
        ['broadcast', route('broadcast', { returnsBody: true })],
        ['echo', route('echo')],
        ['$default', route('$default', { returnsBody: true })],
      ]),
    },
    identity: { apiId: 'local', stage: 'dev', domainName: 'localhost:3001' },
    registry: new ConnectionRegistry(),
    invoke,
    selectRoute: sinon.stub<[string], string | undefined>().callsFake((body) => (JSON.parse(body) as { action?: string }).action),
    admit: () => true,
    idleTimeoutMs: 10 * 60_000,
    maxDurationMs: 2 * 60 * 60_000,
    track: (work) => void tracked.push(work),
    closing: () => false,
    log: sinon.spy(),
    ...overrides,
  };
  /** Waits for the work the session handed to `track`. */
  const settled = () => Promise.all(tracked);
  return { context, invoke, tracked, settled };
}
