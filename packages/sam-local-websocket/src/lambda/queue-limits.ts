/**
 * How many invocations a function keeps waiting for a container. Lambda does not queue a
 * synchronous call past its concurrency (it throttles it: 429 `TooManyRequestsException`, "Rate
 * Exceeded."); the twin queues, up to this bound, then throttles as Lambda does. Each event is up
 * to 128 KB from API Gateway, so the queue holds at most 64 MB. `$disconnect` is never refused.
 */
import { randomUUID } from 'node:crypto';
import type { Outcome } from './container-protocol.js';

export const MAX_QUEUED_INVOCATIONS = 500;

/** What a throttled invocation comes to: Lambda's `TooManyRequestsException` ("Rate Exceeded."). */
export const throttledOutcome = (): Outcome => ({
  ok: false,
  error: { name: 'TooManyRequestsException', message: 'Rate Exceeded.' },
  ms: 0,
  requestId: randomUUID(),
});
