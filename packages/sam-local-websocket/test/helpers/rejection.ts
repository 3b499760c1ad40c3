import { expect } from 'chai';

/** An error as tests read it: Node's and the SDK's carry a `code` or `$metadata`. */
export type CaughtError = Error & { code?: string; $metadata?: { httpStatusCode?: number } };

/** What `promise` rejected with; fails the test when it resolves instead. */
export function rejection(promise: Promise<unknown>): Promise<CaughtError> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`),
    (error: CaughtError) => error,
  );
}
