import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/**
 * The function's one logger (Powertools): one JSON object per line with `level`, `message`,
 * `timestamp` and `service` (env `POWERTOOLS_SERVICE_NAME`), at the level set by
 * `POWERTOOLS_LOG_LEVEL` (default INFO). Pass an error as `{ error }`: it is logged with its
 * name, message, stack, `cause` and the SDK's fields (`$metadata`, `$fault`). Never pass
 * message contents or secrets: log ids, counts and errors.
 */
export const logger = new Logger();

/**
 * Starts an invocation's log context: the Lambda context (`function_request_id`,
 * `cold_start`, function name and memory) and `keys` (e.g. the `connectionId`) go on every
 * line until the next invocation starts; keys of the previous invocation are dropped.
 */
export function startInvocationLogs(context: Partial<Context> | undefined, keys: Record<string, unknown>): void {
  logger.resetKeys();
  if (context) logger.addContext(context as Context);
  logger.appendKeys(keys);
}
