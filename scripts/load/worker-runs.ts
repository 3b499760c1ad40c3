/**
 * The fan-out workers' part of the benchmark, its arithmetic only (no gateway, no clients):
 * the dispatcher's settings that start exactly K workers, and one run's figures from what
 * the gateway's hooks and the swarm reported for each broadcast.
 */
import { median } from './stats.js';

/** The `p`th percentile (nearest rank) of `values`; 0 for none. */
export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

/** `value` rounded to `digits` decimals. */
export const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * `FAN_OUT_THRESHOLD` and `FAN_OUT_WORKERS` with which the dispatcher starts exactly `workers`
 * workers for a table of `connections`, K = 1 included (so every K goes through the same
 * dispatch). dispatch.ts's `workersNeeded` counts up to threshold × K items and starts
 * min(K, ceil(count / threshold)). The threshold is floor(connections / K): the count then
 * stops at threshold × K ≤ connections and ceil(threshold × K / threshold) = K. Its ceiling
 * would not do: 5 connections, K = 4 gives threshold 2 and ceil(5 / 2) = 3 workers.
 */
export function dispatcherSettings(connections: number, workers: number): { FAN_OUT_THRESHOLD: string; FAN_OUT_WORKERS: string } {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a whole number above 0, got ${workers}`);
  if (!Number.isInteger(connections) || connections < workers) {
    throw new RangeError(`${workers} workers need at least as many connections, got ${connections}`);
  }
  return { FAN_OUT_THRESHOLD: String(Math.floor(connections / workers)), FAN_OUT_WORKERS: String(workers) };
}

/** One worker of one broadcast: its invocation (Invoke API outcome) joined with its summary record. */
export interface WorkerPart {
  segment: number;
  /** Epoch ms the Invoke API handed it to a container, right after answering the dispatcher 202. */
  startedAt: number;
  /** False when the invocation failed (it went to the on-failure destination). */
  ok: boolean;
  /** Its container thread's CPU during the invocation, ms. */
  cpuMs?: number;
  /** Posts that succeeded (its `segment summary`). */
  delivered: number;
  /** Its fan-out's own time (its `segment summary`'s `ms`). */
  fanOutMs: number;
}

/** What one broadcast through K workers measured. */
export interface WorkersBroadcast {
  /** The first broadcast of a setting starts its fresh containers: checked for delivery, not timed. */
  warmUp: boolean;
  /** Epoch ms (fractional) the sender's frame went out, and the last client's receipt (none when no one got it). */
  sentAt: number;
  lastAt?: number;
  /** Clients that got the message at least once, and extra copies over all clients. */
  delivered: number;
  duplicates: number;
  /** Epoch ms the dispatcher's invocation started, and its CPU, ms. */
  dispatcher: { startedAt: number; cpuMs?: number };
  workers: WorkerPart[];
}

/** One repetition of one K. */
export interface WorkersRun {
  workers: number;
  repetition: number;
  clients: number;
  /** Timed broadcasts (the warm-up not counted). */
  broadcasts: number;
  latencyMs: number;
  /** The `FAN_OUT_THRESHOLD` the dispatcher ran with. */
  threshold: number;
  /** The workers' poster (always the lean one) and `BROADCAST_CONCURRENCY` (the template's), e.g. `lean 100`. */
  workerSetting: string;
  /** Send to the last client's receipt: median and 99th percentile over the timed broadcasts, ms. */
  p50Ms: number;
  p99Ms: number;
  /** Clients reached per second (clients / p50). */
  deliveriesPerSecond: number;
  /** The dispatcher's invocation start to the last worker's start (its 202): median, ms. */
  dispatchMs: number;
  /** The dispatcher's CPU per broadcast (count, K invokes, the notice): median, ms. */
  dispatcherCpuMs: number;
  /** Per segment, median over the timed broadcasts: its deliveries and its rate (deliveries / its fan-out time). */
  perWorker: { segment: number; deliveries: number; postsPerSecond: number }[];
  /** The workers' CPU summed over workers and timed broadcasts, over their deliveries, µs. */
  workerCpuUsPerDelivery: number;
  /** Worker invocations that failed, over all broadcasts. */
  failedWorkers: number;
  /** Clients that never got a broadcast, and extra copies, over all broadcasts (the warm-up too). */
  lost: number;
  duplicated: number;
}

/** The figures of one run from its broadcasts. */
export function workersRun(
  run: Pick<WorkersRun, 'workers' | 'repetition' | 'clients' | 'latencyMs' | 'threshold' | 'workerSetting'>,
  broadcasts: WorkersBroadcast[],
): WorkersRun {
  const timed = broadcasts.filter((broadcast) => !broadcast.warmUp);
  const fanOutMs = timed.flatMap((broadcast) => (broadcast.lastAt === undefined ? [] : [broadcast.lastAt - broadcast.sentAt]));
  const dispatchMs = timed.flatMap((broadcast) =>
    broadcast.workers.length === 0 ? [] : [Math.max(...broadcast.workers.map((part) => part.startedAt)) - broadcast.dispatcher.startedAt],
  );
  const parts = timed.flatMap((broadcast) => broadcast.workers);
  const segments = [...new Set(parts.map((part) => part.segment))].sort((a, b) => a - b);
  const delivered = parts.reduce((sum, part) => sum + part.delivered, 0);
  const cpuMs = parts.reduce((sum, part) => sum + (part.cpuMs ?? 0), 0);
  const p50 = median(fanOutMs);
  return {
    ...run,
    broadcasts: timed.length,
    p50Ms: round(p50),
    p99Ms: round(percentile(fanOutMs, 99)),
    deliveriesPerSecond: p50 > 0 ? round((run.clients / p50) * 1000) : 0,
    dispatchMs: round(median(dispatchMs)),
    dispatcherCpuMs: round(median(timed.flatMap((broadcast) => broadcast.dispatcher.cpuMs ?? [])), 1),
    perWorker: segments.map((segment) => {
      const mine = parts.filter((part) => part.segment === segment);
      return {
        segment,
        deliveries: median(mine.map((part) => part.delivered)),
        // A summary's ms is whole: a tiny segment's 0 ms counts as 1.
        postsPerSecond: round(median(mine.map((part) => (part.delivered / Math.max(1, part.fanOutMs)) * 1000))),
      };
    }),
    workerCpuUsPerDelivery: round((cpuMs * 1000) / Math.max(1, delivered)),
    failedWorkers: broadcasts.reduce((sum, broadcast) => sum + broadcast.workers.filter((part) => !part.ok).length, 0),
    lost: broadcasts.reduce((sum, broadcast) => sum + (run.clients - broadcast.delivered), 0),
    duplicated: broadcasts.reduce((sum, broadcast) => sum + broadcast.duplicates, 0),
  };
}
