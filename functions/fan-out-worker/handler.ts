import type { Context } from 'aws-lambda';
import type { ConnectionStore } from '../shared/connections.js';
import { parseJob, runJob } from '../shared/fan-out-job.js';
import { startInvocationLogs } from '../shared/logger.js';
import type { Posting } from '../shared/posters.js';

/** What a fan-out worker works with, made once per container (app.ts). */
export interface FanOutWorkerDeps {
  store: ConnectionStore;
  /** How it posts: the lean poster and `BROADCAST_CONCURRENCY` in app.ts. */
  posting: Posting;
}

/**
 * A fan-out worker, invoked asynchronously by `broadcast` with one Scan segment of the
 * table: posts the message to every connection in it and logs one `segment summary` line
 * with the broadcast id. A job it cannot finish fails the invocation (on-failure destination).
 */
export function fanOutWorkerHandler({ store, posting }: FanOutWorkerDeps) {
  return async (payload: unknown, context?: Partial<Context>): Promise<void> => {
    startInvocationLogs(context, {});
    await runJob(parseJob(payload), { store, posting, remainingMs: context?.getRemainingTimeInMillis?.() });
  };
}
