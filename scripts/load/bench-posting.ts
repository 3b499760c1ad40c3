/**
 * The benchmark's settings of a broadcast: which poster it posts with (`lean`, as deployed, or
 * `sdk`, the SDK client it replaced) and how many posts it keeps in flight (a number, or
 * `unbounded`: everyone at once, as the usual sample code does). Production code has no such
 * setting: the benchmark builds the broadcast handler with them (bench-broadcast.ts).
 */
import type { Config } from '../../functions/shared/config.js';
import { LeanPosters, SdkPosters, type Posters, type Posting } from '../../functions/shared/posters.js';

/** The posters the benchmark compares. */
export const BENCH_CLIENTS = ['lean', 'sdk'] as const;
export type BenchClient = (typeof BENCH_CLIENTS)[number];

/** The environment variables the bench sets on its broadcast function to choose a setting. */
export const BENCH_VARIABLES = { client: 'BENCH_CLIENT', concurrency: 'BENCH_CONCURRENCY' } as const;

/** The posters of a client kind. */
export function postersOf(client: BenchClient): Posters {
  return client === 'sdk' ? new SdkPosters() : new LeanPosters();
}

/**
 * How the bench's broadcast function posts: `BENCH_CLIENT` (`lean` unless given) and
 * `BENCH_CONCURRENCY` (`unbounded`, a whole number, or the function's `BROADCAST_CONCURRENCY`
 * unless given). Throws on anything else, so a misconfigured run fails instead of measuring
 * the wrong setting.
 */
export function benchPosting(env: NodeJS.ProcessEnv, config: Pick<Config, 'broadcastConcurrency'>): Posting & { client: BenchClient } {
  const client = (env[BENCH_VARIABLES.client]?.trim() || 'lean') as BenchClient;
  if (!BENCH_CLIENTS.includes(client)) throw new Error(`${BENCH_VARIABLES.client} takes ${BENCH_CLIENTS.join(' or ')}, got "${client}"`);
  const raw = env[BENCH_VARIABLES.concurrency]?.trim();
  const concurrency = !raw ? config.broadcastConcurrency : raw === 'unbounded' ? Number.POSITIVE_INFINITY : Number(raw);
  if (!(concurrency >= 1 && (Number.isInteger(concurrency) || concurrency === Number.POSITIVE_INFINITY))) {
    throw new Error(`${BENCH_VARIABLES.concurrency} takes a whole number of at least 1 or unbounded, got "${raw}"`);
  }
  return { client, posters: postersOf(client), concurrency };
}
