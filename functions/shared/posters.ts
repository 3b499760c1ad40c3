/**
 * How a broadcast posts to `@connections`: one small interface, {@link Poster}, with the lean
 * poster (lean-poster.ts: the SDK's own signer, credentials and retry strategy around a bare
 * keep-alive request, a third of the CPU per post) and the SDK client it replaces
 * (`PostToConnectionCommand` through management.ts) behind it. The handlers post with the lean
 * one; the SDK client stays for replies, and so that the benchmark can compare the two (it
 * builds the broadcast handler with {@link SdkPosters}, scripts/load/bench-broadcast.ts).
 */
import { LeanPoster } from './lean-poster.js';
import { ManagementClients } from './management.js';

/** Posts one payload to one connection; rejects as the SDK client does (e.g. `GoneException`). */
export interface Poster {
  post(connectionId: string, data: Uint8Array): Promise<void>;
}

/** Where a broadcast gets the poster of an endpoint, with a keep-alive pool of `maxSockets` (unset: the SDK's default of 50). */
export interface Posters {
  forEndpoint(endpoint: string, maxSockets?: number): Poster;
}

/**
 * Lean posters, one per endpoint and pool size for the container's life, as the SDK clients are
 * kept: warm invocations reuse its keep-alive sockets and cached credentials.
 */
export class LeanPosters implements Posters {
  private readonly posters = new Map<string, LeanPoster>();

  forEndpoint(endpoint: string, maxSockets?: number): Poster {
    const key = `${endpoint} ${maxSockets ?? 'default'}`;
    let poster = this.posters.get(key);
    if (!poster) {
      poster = new LeanPoster({ endpoint, maxSockets });
      this.posters.set(key, poster);
    }
    return poster;
  }
}

/** The SDK client's `PostToConnectionCommand` as a {@link Poster}: what the lean poster replaces. */
export class SdkPosters implements Posters {
  constructor(private readonly clients: ManagementClients = new ManagementClients()) {}

  forEndpoint(endpoint: string, maxSockets?: number): Poster {
    return { post: (connectionId, data) => this.clients.post(endpoint, connectionId, data, maxSockets) };
  }
}

/** How a broadcast posts: where its posters come from, and how many posts it keeps in flight. */
export interface Posting {
  posters: Posters;
  /** Posts in flight at once (the configured `BROADCAST_CONCURRENCY`; a bench may make it unbounded). */
  concurrency: number;
}

/**
 * The poster a broadcast uses for `endpoint`: a keep-alive pool as large as the posts in flight;
 * an unbounded broadcast keeps the default pool.
 */
export function broadcastPoster(posting: Posting, endpoint: string): Poster {
  return posting.posters.forEndpoint(endpoint, Number.isFinite(posting.concurrency) ? posting.concurrency : undefined);
}
