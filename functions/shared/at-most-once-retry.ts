import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';

/**
 * True when a failed call provably did not reach its recipient, so that trying it again
 * cannot deliver it twice:
 * - its request never left this process (`$requestSent === false`, as the tracked agents of
 *   request-fate.ts mark it: a refused connection, a DNS failure, a socket that failed before
 *   any byte of the request was written), or
 * - the service answered 4xx: it refused the request (429 throttling, a 403 signature
 *   rejected for clock skew, 410 gone, 413 too large).
 * Everything else may have been delivered: a timeout or reset after the request was written,
 * a 5xx (the service may have acted before it failed), an answer cut off mid-way, an error
 * that does not say.
 */
export function provablyUndelivered(error: unknown): boolean {
  const { $requestSent, $metadata } = (error ?? {}) as { $requestSent?: boolean; $metadata?: { httpStatusCode?: number } };
  if ($requestSent === false) return true;
  const status = $metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * The SDK's standard retry strategy (backoff with full jitter, retry quota), retrying only
 * what {@link provablyUndelivered} allows: a call that may have been delivered ends with its
 * error, counted as failed, rather than risk delivering it twice (at most once). In practice
 * that retries throttling (429), a corrected clock skew, and network errors before the request
 * was written; never a 5xx, nor a timeout or reset once the request was written.
 */
export class AtMostOnceRetryStrategy implements RetryStrategyV2 {
  private readonly standard: StandardRetryStrategy;

  constructor(maxAttempts: number) {
    this.standard = new StandardRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(retryTokenScope: string): Promise<StandardRetryToken> {
    return this.standard.acquireInitialRetryToken(retryTokenScope);
  }

  refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    // Rejecting ends the retries: the caller (the SDK's retry middleware or the lean poster) throws the attempt's error.
    if (!provablyUndelivered(errorInfo.error)) return Promise.reject(errorInfo.error);
    return this.standard.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.standard.recordSuccess(token);
  }
}
