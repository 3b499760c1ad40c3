import { expect } from 'chai';
import type { SdkError } from '@smithy/types';
import { AtMostOnceRetryStrategy, provablyUndelivered } from '../../../functions/shared/at-most-once-retry.js';

describe('at-most-once retry strategy', () => {
  const error = (name: string, fields: object) => Object.assign(new Error(name), { name, ...fields }) as SdkError;
  const timedOutSent = error('TimeoutError', { code: 'ETIMEDOUT', $requestSent: true });
  const timedOutUnsent = error('TimeoutError', { code: 'ETIMEDOUT', $requestSent: false });
  const timedOutInSdk = error('TimeoutError', { code: 'ETIMEDOUT' });
  const refused = error('TimeoutError', { code: 'ECONNREFUSED', $requestSent: false });
  const resetAfterWrite = error('TimeoutError', { code: 'ECONNRESET', $requestSent: true });
  const resetBeforeWrite = error('TimeoutError', { code: 'ECONNRESET', $requestSent: false });
  const throttled = error('LimitExceededException', { $metadata: { httpStatusCode: 429 } });
  const gone = error('GoneException', { $metadata: { httpStatusCode: 410 } });
  const serverError = error('InternalServerErrorException', { $metadata: { httpStatusCode: 500 } });
  const unavailable = error('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } });

  it('counts as undelivered only a request that never left, or one the service refused (4xx)', () => {
    for (const undelivered of [timedOutUnsent, refused, resetBeforeWrite, throttled, gone]) {
      expect(provablyUndelivered(undelivered), undelivered.name).to.equal(true);
    }
    for (const maybe of [timedOutSent, timedOutInSdk, resetAfterWrite, serverError, unavailable, new Error('no fields'), undefined, null]) {
      expect(provablyUndelivered(maybe), String(maybe)).to.equal(false);
    }
  });

  it('retries throttling and requests that never left as the standard mode does, up to its attempts', async () => {
    const strategy = new AtMostOnceRetryStrategy(3);
    let token = await strategy.acquireInitialRetryToken('');
    token = await strategy.refreshRetryTokenForRetry(token, { error: throttled, errorType: 'THROTTLING' });
    token = await strategy.refreshRetryTokenForRetry(token, { error: resetBeforeWrite, errorType: 'TRANSIENT' });
    expect(token.getRetryCount()).to.equal(2);
    const third = await strategy.refreshRetryTokenForRetry(token, { error: refused, errorType: 'TRANSIENT' }).catch((e: unknown) => e);
    expect(third).to.be.instanceOf(Error);
  });

  for (const [what, maybe, errorType] of [
    ['a timeout after the request was written', timedOutSent, 'TRANSIENT'],
    ['the SDK’s own timeout, which does not say whether it was written', timedOutInSdk, 'TRANSIENT'],
    ['a reset after the request was written', resetAfterWrite, 'TRANSIENT'],
    ['a 500', serverError, 'TRANSIENT'],
    ['a 503', unavailable, 'TRANSIENT'],
  ] as const) {
    it(`never retries ${what}, and ends with its error`, async () => {
      const strategy = new AtMostOnceRetryStrategy(3);
      const token = await strategy.acquireInitialRetryToken('');
      const ended = await strategy.refreshRetryTokenForRetry(token, { error: maybe, errorType }).catch((e: unknown) => e);
      expect(ended).to.equal(maybe);
    });
  }

  it('leaves what the standard mode would not retry unretried (a 410 is refused, but not transient)', async () => {
    const strategy = new AtMostOnceRetryStrategy(3);
    const token = await strategy.acquireInitialRetryToken('');
    const ended = await strategy.refreshRetryTokenForRetry(token, { error: gone, errorType: 'CLIENT_ERROR' }).catch((e: unknown) => e);
    expect(ended).to.be.instanceOf(Error);
  });
});
