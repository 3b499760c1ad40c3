import type { BroadcastClient, Config } from './config.js';
import { LeanPoster } from './lean-poster.js';
import { postToConnection } from './management.js';

/** Posts one payload to one connection; rejects as the SDK client does (e.g. `GoneException`). */
export type Post = (connectionId: string, data: Uint8Array) => Promise<void>;

// One lean poster per endpoint and pool size for the container's life, as the SDK clients are
// cached: warm invocations reuse its keep-alive sockets and cached credentials.
const leanPosters = new Map<string, LeanPoster>();

/**
 * The poster a `BROADCAST_CLIENT` setting names, for one endpoint. `maxSockets` sizes its
 * keep-alive pool to the posts in flight (unset: the SDK's default pool of 50).
 */
export function posterFor(client: BroadcastClient, endpoint: string, maxSockets?: number): Post {
  if (client === 'sdk') return (connectionId, data) => postToConnection(endpoint, connectionId, data, maxSockets);
  const key = `${endpoint} ${maxSockets ?? 'default'}`;
  let poster = leanPosters.get(key);
  if (!poster) {
    poster = new LeanPoster({ endpoint, maxSockets });
    leanPosters.set(key, poster);
  }
  const lean = poster;
  return (connectionId, data) => lean.post(connectionId, data);
}

/**
 * The poster a broadcast's settings call for (`BROADCAST_CLIENT`, `BROADCAST_CONCURRENCY`): a
 * keep-alive pool as large as the posts in flight; `unbounded` keeps the SDK's default pool.
 */
export function broadcastPoster(config: Pick<Config, 'broadcastClient' | 'broadcastConcurrency'>, endpoint: string): Post {
  const maxSockets = Number.isFinite(config.broadcastConcurrency) ? config.broadcastConcurrency : undefined;
  return posterFor(config.broadcastClient, endpoint, maxSockets);
}
