import pMap, { pMapStop } from 'p-map';
import { provablyUndelivered } from './at-most-once-retry.js';
import { DEFAULTS } from './constants.js';
import { isGone } from './management.js';
import { logger } from './logger.js';

/**
 * When a broadcast must stop starting posts, given the function's remaining time: early
 * enough to report what it could not deliver before Lambda stops it.
 */
export function stopTime(remainingMs: number, now: number = Date.now()): number {
  const margin = Math.min(DEFAULTS.deadlineMarginMs, remainingMs * DEFAULTS.deadlineMarginShare);
  return now + remainingMs - margin;
}

/** What a broadcast needs: where the recipients come from, how to reach and forget them. */
export interface FanOutOptions {
  /** Connection ids, consumed lazily so the whole table is never held at once. */
  recipients: AsyncIterable<string>;
  /** The exact bytes every recipient gets (encoded once for all). */
  payload: Uint8Array;
  /** Posts in flight at once. */
  concurrency: number;
  /** Posts the payload to one connection. */
  send: (connectionId: string, payload: Uint8Array) => Promise<void>;
  /** Forgets a connection that API Gateway says is gone. */
  removeStale: (connectionId: string) => Promise<void>;
  /** Epoch ms after which no post is started (posts in flight finish). */
  stopAt?: number;
}

/** The counts of one broadcast, logged as its summary line. */
export interface FanOutSummary {
  /** Connections a post was started for. */
  recipients: number;
  delivered: number;
  staleRemoved: number;
  failed: number;
  /** Of `failed`, posts that may have been delivered all the same (sent, then no clear answer). */
  uncertain: number;
  /** True when `stopAt` came first: the table was not read to the end. */
  timedOut: boolean;
  ms: number;
}

/** A broadcast stopped before it reached every recipient; `summary` counts what was done. */
export class FanOutError extends Error {
  override name = 'FanOutError' as const;
  constructor(
    message: string,
    readonly summary: FanOutSummary,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Sends one payload to every recipient with at most `concurrency` posts in flight.
 * A gone connection's record is removed; any other failure is logged and counted (and, when
 * the post may have arrived all the same, counted as `uncertain` too), is never retried here
 * and never stops delivery to the rest. At `stopAt` no further post starts (those in flight
 * finish) and the summary says `timedOut`. Rejects with a
 * {@link FanOutError} only when the recipients cannot be read.
 */
export async function fanOut(options: FanOutOptions): Promise<FanOutSummary> {
  const started = Date.now();
  const summary: FanOutSummary = { recipients: 0, delivered: 0, staleRemoved: 0, failed: 0, uncertain: 0, timedOut: false, ms: 0 };
  const stopAt = options.stopAt ?? Number.POSITIVE_INFINITY;

  const deliver = async (connectionId: string): Promise<undefined | typeof pMapStop> => {
    if (Date.now() >= stopAt) {
      summary.timedOut = true;
      return pMapStop;
    }
    summary.recipients++;
    try {
      await options.send(connectionId, options.payload);
      summary.delivered++;
    } catch (error) {
      if (isGone(error)) await removeStale(connectionId);
      else {
        if (!provablyUndelivered(error)) summary.uncertain++;
        fail(connectionId, 'post failed', error);
      }
    }
  };

  const removeStale = async (connectionId: string): Promise<void> => {
    try {
      await options.removeStale(connectionId);
      summary.staleRemoved++;
    } catch (error) {
      fail(connectionId, 'stale record not removed', error);
    }
  };

  const fail = (connectionId: string, message: string, error: unknown): void => {
    summary.failed++;
    // `recipient`, not `connectionId`: the line already carries the sender's id.
    logger.warn(message, { recipient: connectionId, error });
  };

  try {
    await pMap(options.recipients, deliver, { concurrency: options.concurrency });
  } catch (error) {
    summary.ms = Date.now() - started;
    throw new FanOutError('could not read the recipients', summary, { cause: error });
  }
  summary.ms = Date.now() - started;
  return summary;
}
