import type { WebSocket } from 'ws';

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

/**
 * The open connections by id: a session adds its connection when it opens and removes it
 * when it closes; `@connections` and shutdown look connections up here.
 */
export class ConnectionRegistry {
  private readonly connections = new Map<string, Connection>();

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
}
