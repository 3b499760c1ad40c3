/**
 * The Lambda client that starts fan-out workers. Only a broadcast that hands its table to
 * workers needs it, so dispatch.ts loads this module on first use (`import()`: in the bundle
 * it is a chunk of its own, read only then) instead of every broadcast container loading
 * `@aws-sdk/client-lambda` at its cold start.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AtMostOnceRetryStrategy } from './at-most-once-retry.js';
import { DEFAULTS } from './constants.js';
import { trackedAgents } from './request-fate.js';

export { InvokeCommand };

/**
 * The Lambda client that starts workers. A start that may have been queued is never retried
 * (a second worker on the same segment would post to each of its connections twice); one
 * that provably was not (throttled, 429; a request that never left) is, as the standard mode
 * does. Without `endpoint` it honours AWS_ENDPOINT_URL_LAMBDA (the local gateway's Invoke API).
 */
export function workerStarter(endpoint?: string): LambdaClient {
  return new LambdaClient({
    ...(endpoint ? { endpoint } : {}),
    retryStrategy: new AtMostOnceRetryStrategy(DEFAULTS.invokeMaxAttempts),
    requestHandler: trackedAgents(),
  });
}
