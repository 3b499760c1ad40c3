import { expect } from 'chai';
import type { SdkError } from '@smithy/types';
import { mayHaveBeenDelivered, PostRetryStrategy } from '../../../functions/shared/post-retry.js';

describe('post retry strategy', () => {
  const timeout = 'a request has exceeded the configured 1000 ms requestTimeout';
  const timedOut = Object.assign(new Error(timeout), { name: 'TimeoutError', code: 'ETIMEDOUT', $requestSent: true }) as SdkError;
  const timedOutUnsent = Object.assign(new Error(timeout), { name: 'TimeoutError', code: 'ETIMEDOUT', $requestSent: false }) as SdkError;
  const timedOutInSdk = Object.assign(new Error(timeout), { name: 'TimeoutError', code: 'ETIMEDOUT' }) as SdkError;
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError', code: 'ECONNREFUSED' }) as SdkError;
  const throttled = Object.assign(new Error('Too many requests'), { name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } }) as SdkError;

  it('tells an attempt abandoned at the request timeout after it was sent from one that never reached the server', () => {
    expect(mayHaveBeenDelivered(timedOut)).to.equal(true);
    expect(mayHaveBeenDelivered(timedOutUnsent)).to.equal(false);
    expect(mayHaveBeenDelivered(timedOutInSdk)).to.equal(false);
    expect(mayHaveBeenDelivered(refused)).to.equal(false);
    expect(mayHaveBeenDelivered(throttled)).to.equal(false);
    expect(mayHaveBeenDelivered(undefined)).to.equal(false);
  });

  it('retries throttling, refused connections and requests that timed out unsent as the standard mode does, up to its attempts', async () => {
    const strategy = new PostRetryStrategy(3);
    let token = await strategy.acquireInitialRetryToken('');
    token = await strategy.refreshRetryTokenForRetry(token, { error: throttled, errorType: 'THROTTLING' });
    token = await strategy.refreshRetryTokenForRetry(token, { error: timedOutUnsent, errorType: 'TRANSIENT' });
    expect(token.getRetryCount()).to.equal(2);
    const third = await strategy.refreshRetryTokenForRetry(token, { error: refused, errorType: 'TRANSIENT' }).catch((e: unknown) => e);
    expect(third).to.be.instanceOf(Error);
  });

  it('never retries an attempt that may have been delivered, and ends with its error', async () => {
    const strategy = new PostRetryStrategy(3);
    const token = await strategy.acquireInitialRetryToken('');
    const ended = await strategy.refreshRetryTokenForRetry(token, { error: timedOut, errorType: 'TRANSIENT' }).catch((e: unknown) => e);
    expect(ended).to.equal(timedOut);
  });
});
