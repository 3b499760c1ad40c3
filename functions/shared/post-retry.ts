import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';

/**
 * True for an attempt abandoned at the request timeout after its request had been written to a
 * socket (`TimeoutError` with `$requestSent`, as the lean poster marks it): API Gateway may have
 * delivered it, and a retry could deliver the message twice. One that timed out while still
 * waiting for a socket was never sent, and is retried. (The SDK client's own TimeoutError does
 * not say which it was, so it is retried as the standard mode does.)
 */
export function mayHaveBeenDelivered(error: unknown): boolean {
  const { name, $requestSent } = (error ?? {}) as { name?: string; $requestSent?: boolean };
  return name === 'TimeoutError' && $requestSent === true;
}

/**
 * The SDK's standard retry strategy (backoff with full jitter, retry quota) for posts, except
 * that an attempt which may have been delivered is never retried: such a post is counted as
 * failed rather than risk delivering it twice. Throttling (429), server errors, connections
 * refused or reset, and requests that timed out before they were sent are retried as the
 * standard mode retries them.
 */
export class PostRetryStrategy implements RetryStrategyV2 {
  private readonly standard: StandardRetryStrategy;

  constructor(maxAttempts: number) {
    this.standard = new StandardRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(retryTokenScope: string): Promise<StandardRetryToken> {
    return this.standard.acquireInitialRetryToken(retryTokenScope);
  }

  refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    // Rejecting ends the retries: the caller (the SDK's retry middleware or the lean poster) throws the attempt's error.
    if (mayHaveBeenDelivered(errorInfo.error)) return Promise.reject(errorInfo.error);
    return this.standard.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.standard.recordSuccess(token);
  }
}
