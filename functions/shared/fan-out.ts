import pMap from 'p-map';
import { isGone } from './management.js';
import { describeError, logger } from './logger.js';

/** What a broadcast needs: where the recipients come from, how to reach and forget them. */
export interface FanOutOptions {
  /** Connection ids, consumed lazily so the whole table is never held at once. */
  recipients: AsyncIterable<string>;
  /** The exact text every recipient gets. */
  payload: string;
  /** Posts in flight at once. */
  concurrency: number;
  /** Posts the payload to one connection. */
  send: (connectionId: string, payload: string) => Promise<void>;
  /** Forgets a connection that API Gateway says is gone. */
  removeStale: (connectionId: string) => Promise<void>;
}

/** The counts of one broadcast, logged as its summary line. */
export interface FanOutSummary {
  recipients: number;
  delivered: number;
  staleRemoved: number;
  failed: number;
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
 * A gone connection's record is removed; any other failure is logged and counted and
 * never stops delivery to the rest. Rejects with a {@link FanOutError} only when the
 * recipients cannot be read.
 */
export async function fanOut(options: FanOutOptions): Promise<FanOutSummary> {
  const started = Date.now();
  const summary: FanOutSummary = { recipients: 0, delivered: 0, staleRemoved: 0, failed: 0, ms: 0 };

  const deliver = async (connectionId: string): Promise<void> => {
    summary.recipients++;
    try {
      await options.send(connectionId, options.payload);
      summary.delivered++;
    } catch (error) {
      if (isGone(error)) await removeStale(connectionId);
      else fail(connectionId, 'post failed', error);
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
    logger.warn(message, { connectionId, ...describeError(error) });
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
