/**
 * TransactWriteItems' `ClientRequestToken`: "multiple identical calls have the same effect as
 * one single call"; a token "is valid for 10 minutes after the first request that uses it is
 * completed"; the same token with other parameters within that window gets
 * `IdempotentParameterMismatchException` (API Reference, TransactWriteItems). Kept per engine.
 */

/** How long a token is remembered after its transaction completed: 10 minutes. */
export const CLIENT_TOKEN_WINDOW_MS = 10 * 60 * 1000;

/** The most tokens remembered at once; the oldest go first (a local store, not a ledger). */
export const MAX_CLIENT_TOKENS = 10_000;

export type TokenVerdict = 'new' | 'repeat' | 'mismatch';

export class ClientTokens {
  private readonly seen = new Map<string, { fingerprint: string; until: number }>();

  /** Whether a request with this token and these parameters is new, a repeat, or a mismatch. */
  check(token: string, fingerprint: string, now = Date.now()): TokenVerdict {
    const known = this.seen.get(token);
    if (!known || known.until < now) return 'new';
    return known.fingerprint === fingerprint ? 'repeat' : 'mismatch';
  }

  /** Remembers a completed transaction's token for the window. */
  remember(token: string, fingerprint: string, now = Date.now()): void {
    this.seen.delete(token);
    this.seen.set(token, { fingerprint, until: now + CLIENT_TOKEN_WINDOW_MS });
    for (const [oldest, { until }] of this.seen) {
      if (this.seen.size <= MAX_CLIENT_TOKENS && until >= now) break;
      this.seen.delete(oldest);
    }
  }
}
