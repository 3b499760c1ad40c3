import type { LambdaClient } from '@aws-sdk/client-lambda';
import { randomUUID } from 'node:crypto';
import { provablyUndelivered } from './at-most-once-retry.js';
import type { ConnectionStore } from './connections.js';
import type { FanOutJob } from './fan-out-job.js';
import { logger } from './logger.js';

/** lambda-invoke.ts, loaded on first use: only a broadcast that fans out needs the Lambda client. */
const lambdaInvoke = () => import('./lambda-invoke.js');

/** The Lambda client that starts workers (lambda-invoke.ts `workerStarter`), made on first use. */
export type WorkerStarter = () => Promise<LambdaClient>;

/**
 * One {@link WorkerStarter} per container: the first dispatch loads the Lambda client and
 * makes it, later ones reuse it (a failed load is tried again next time).
 */
export function lazyWorkerStarter(endpoint?: string): WorkerStarter {
  let client: Promise<LambdaClient> | undefined;
  return () => {
    client ??= lambdaInvoke().then((module) => module.workerStarter(endpoint));
    client.catch(() => (client = undefined));
    return client;
  };
}

/** Where the dispatcher's decision comes from: its settings. */
export interface FanOutSettings {
  /** Connections from which workers are used. */
  threshold: number;
  /** Most workers per broadcast. */
  maxWorkers: number;
}

/**
 * How many workers a broadcast needs: 0 (post yourself) below `threshold` connections, else
 * one per `threshold` connections counted, at most `maxWorkers`.
 *
 * The count is a keys-only `Select: COUNT` Scan that stops at `threshold × maxWorkers` items,
 * so it is exact where it matters and costs at most that many keys' read units (DescribeTable's
 * `ItemCount` is free but refreshed only about every 6 hours, and would need its own permission).
 */
export async function workersNeeded(store: ConnectionStore, settings: FanOutSettings): Promise<number> {
  const { count } = await store.countUpTo(settings.threshold * settings.maxWorkers);
  if (count < settings.threshold) return 0;
  return Math.min(settings.maxWorkers, Math.ceil(count / settings.threshold));
}

/** The jobs of one broadcast: segment i of K for i in 0..K-1, sharing one broadcast id. */
export function jobsFor(workers: number, part: Omit<FanOutJob, 'segment' | 'totalSegments' | 'broadcastId'>, broadcastId: string = randomUUID()): FanOutJob[] {
  return Array.from({ length: workers }, (_, segment) => ({ ...part, broadcastId, segment, totalSegments: workers }));
}

/**
 * Some workers could not be started: `started` counts those Lambda accepted; of the others,
 * `uncertain` counts starts that may have been queued all the same (sent, then no clear answer).
 */
export class DispatchError extends Error {
  override name = 'DispatchError' as const;
  constructor(
    message: string,
    readonly started: number,
    readonly uncertain: number,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Starts one worker per job (asynchronous invocations: Lambda queues them and answers 202 at
 * once). A start is retried only when it provably was not queued. Throws a
 * {@link DispatchError} when any could not be started.
 */
export async function dispatchJobs(functionName: string, jobs: FanOutJob[], workers: WorkerStarter): Promise<void> {
  const [client, { InvokeCommand }] = await Promise.all([workers(), lambdaInvoke()]).catch((cause: unknown) => {
    throw new DispatchError('the Lambda client could not be made: no worker was started', 0, 0, { cause });
  });
  const results = await Promise.allSettled(
    jobs.map((job) => client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: JSON.stringify(job) }))),
  );
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) {
    const started = results.length - failures.length;
    const uncertain = failures.filter((failure) => !provablyUndelivered(failure.reason)).length;
    throw new DispatchError(`${failures.length} of ${jobs.length} workers were not started`, started, uncertain, { cause: failures[0].reason });
  }
  logger.info('broadcast dispatched', { broadcastId: jobs[0]?.broadcastId, workers: jobs.length });
}
