import type { Context } from 'aws-lambda';
import { readConfig } from '../shared/config.js';
import { ConnectionStore } from '../shared/connections.js';
import { parseJob, runJob } from '../shared/fan-out-job.js';
import { startInvocationLogs } from '../shared/logger.js';

const config = readConfig();
const store = new ConnectionStore(config.tableName);

/**
 * A fan-out worker, invoked asynchronously by `broadcast` with one Scan segment of the
 * table: posts the message to every connection in it and logs one `segment summary` line
 * with the broadcast id. A job it cannot finish fails the invocation (on-failure destination).
 */
export const handler = async (payload: unknown, context?: Partial<Context>): Promise<void> => {
  startInvocationLogs(context, {});
  await runJob(parseJob(payload), { config, store, remainingMs: context?.getRemainingTimeInMillis?.() });
};
