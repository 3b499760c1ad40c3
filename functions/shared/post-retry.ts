import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';

/**
 * True for an attempt abandoned at the request timeout (`TimeoutError`, `ETIMEDOUT`, as the
 * SDK's HTTP handler and the lean poster raise it): the request was sent, so API Gateway may
 * have delivered it, and a retry could deliver the message twice.
 */
export function mayHaveBeenDelivered(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  return name === 'TimeoutError' && code === 'ETIMEDOUT';
}

/**
 * The SDK's standard retry strategy (backoff with full jitter, retry quota) for posts, except
 * that an attempt which may have been delivered is never retried: a broadcast delivers each
 * message at most once, and such a post is counted as failed instead. Throttling (429), server
 * errors and connections refused or reset are retried as the standard mode retries them.
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
