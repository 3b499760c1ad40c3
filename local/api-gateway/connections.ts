import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { API_GATEWAY_LIMITS, CLOSE_CODES } from './constants.js';
import { readBody } from '../read-body.js';

/** One open connection, as the gateway knows it. */
export interface Connection {
  connectionId: string;
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent?: string;
  /** What a `$connect` authorizer allowed: principal and context, passed to every route. */
  authorizer?: Record<string, unknown>;
}

/** The `@connections` errors, with the type header SDK v3 maps to its exception classes. */
export const CONNECTIONS_ERRORS = {
  gone: { status: 410, type: 'GoneException', message: 'The connection is gone' },
  tooLarge: { status: 413, type: 'PayloadTooLargeException', message: 'The payload is larger than 128 KB' },
  forbidden: { status: 403, type: 'ForbiddenException', message: 'Forbidden' },
} as const;

/** Answers a `@connections` call with an error, typed by the header SDK v3 reads. */
export function sendError(response: ServerResponse, error: { status: number; type: string; message: string }): void {
  response.writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.type });
  response.end(JSON.stringify({ message: error.message }));
}

/** Hooks the `@connections` API calls for fault injection (tests, the benchmark). */
export interface ManagementHooks {
  /** Runs before each `@connections` call is answered; may delay it, or answer it (returning true). */
  beforeCall?: (method: string, connectionId: string, request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean;
}

/**
 * The open connections, and the `@connections` management API over them:
 * POST sends (200), GET describes (200), DELETE closes (204); a gone id answers 410.
 */
export class ConnectionRegistry {
  private readonly connections = new Map<string, Connection>();

  constructor(private readonly hooks: ManagementHooks = {}) {}

  add(connection: Connection): void {
    this.connections.set(connection.connectionId, connection);
  }

  /** Forgets a connection; from now on `@connections` answers 410 for it. */
  remove(connectionId: string): void {
    this.connections.delete(connectionId);
  }

  get(connectionId: string): Connection | undefined {
    return this.connections.get(connectionId);
  }

  get size(): number {
    return this.connections.size;
  }

  all(): IterableIterator<Connection> {
    return this.connections.values();
  }

  /** Answers one `@connections/{id}` request; `body` when it was read already (to check its signature). */
  async handle(request: IncomingMessage, response: ServerResponse, connectionId: string, body?: Buffer): Promise<void> {
    const method = request.method ?? 'GET';
    if (this.hooks.beforeCall && (await this.hooks.beforeCall(method, connectionId, request, response))) return;
    const connection = this.connections.get(connectionId);
    if (method === 'POST') {
      const payload = body ?? (await readBody(request, API_GATEWAY_LIMITS.maxPayloadBytes));
      if (payload === 'too large') return sendError(response, CONNECTIONS_ERRORS.tooLarge);
      if (!connection) return sendError(response, CONNECTIONS_ERRORS.gone);
      connection.socket.send(payload.toString('utf8'));
      connection.lastActiveAt = Date.now();
      response.writeHead(200).end();
      return;
    }
    if (!connection) {
      request.resume();
      return sendError(response, CONNECTIONS_ERRORS.gone);
    }
    if (method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          connectedAt: new Date(connection.connectedAt).toISOString(),
          identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
          lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
        }),
      );
      return;
    }
    if (method === 'DELETE') {
      connection.socket.close(CLOSE_CODES.normal, 'Closed by the @connections API');
      response.writeHead(204).end();
      return;
    }
    sendError(response, CONNECTIONS_ERRORS.forbidden);
  }
}
