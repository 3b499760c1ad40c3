import type { ConnectionStore, ScanSegment } from './connections.js';
import { fanOut, FanOutError, stopTime, type FanOutSummary } from './fan-out.js';
import { logger } from './logger.js';
import { broadcastPoster, type Posting } from './posters.js';
import { publishBroadcastMetrics } from './broadcast-metrics.js';

/**
 * What the dispatcher sends each fan-out worker (the async invocation's payload): one
 * segment of the table and the message for it.
 */
export interface FanOutJob extends ScanSegment {
  /** Shared by every part of one broadcast: its log lines are added up by it. */
  broadcastId: string;
  /** The exact text every recipient gets, encoded once by the dispatcher. */
  message: string;
  /** The connection that asked for the broadcast. */
  senderId: string;
  /** The `@connections` endpoint of the sender's API and stage. */
  endpoint: string;
}

/** A worker's payload is not a {@link FanOutJob}. */
export class BadJobError extends Error {
  override name = 'BadJobError' as const;
}

/** A worker could not reach its whole segment; thrown so Lambda records the invocation as failed. */
export class SegmentIncompleteError extends Error {
  override name = 'SegmentIncompleteError' as const;
  constructor(
    message: string,
    readonly summary: FanOutSummary,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Checks a worker's payload; throws a {@link BadJobError} naming what is wrong. */
export function parseJob(payload: unknown): FanOutJob {
  const job = (payload ?? {}) as Partial<FanOutJob>;
  for (const field of ['broadcastId', 'senderId', 'endpoint'] as const) {
    if (!isText(job[field])) throw new BadJobError(`the job has no ${field}`);
  }
  if (typeof job.message !== 'string') throw new BadJobError('the job has no message');
  const { segment, totalSegments } = job;
  if (!Number.isInteger(totalSegments) || totalSegments! < 1 || !Number.isInteger(segment) || segment! < 0 || segment! >= totalSegments!) {
    throw new BadJobError(`segment ${segment} of ${totalSegments} is not a Scan segment`);
  }
  return job as FanOutJob;
}

/** What a job needs from its function: the table, how it posts, and the time left. */
export interface JobRuntime {
  store: ConnectionStore;
  posting: Posting;
  remainingMs?: number;
}

/**
 * Posts a job's message to every connection of its segment and logs one summary line
 * (`segment summary`, with the broadcast id, segment and counts) and its metrics. Throws a
 * {@link SegmentIncompleteError} when the segment could not be read to the end or time ran
 * out, so the invocation fails and lands in the on-failure destination (never retried:
 * a retry would post twice to the connections already reached).
 */
export async function runJob(job: FanOutJob, runtime: JobRuntime): Promise<FanOutSummary> {
  const { store, posting } = runtime;
  const poster = broadcastPoster(posting, job.endpoint);
  const keys = { broadcastId: job.broadcastId, segment: job.segment, totalSegments: job.totalSegments, senderId: job.senderId };
  try {
    const summary = await fanOut({
      recipients: store.connectionIds(job),
      payload: Buffer.from(job.message),
      concurrency: posting.concurrency,
      send: (connectionId, payload) => poster.post(connectionId, payload),
      removeStale: (connectionId) => store.remove(connectionId),
      stopAt: runtime.remainingMs === undefined ? undefined : stopTime(runtime.remainingMs),
    });
    logger.info('segment summary', { ...keys, ...summary });
    publishBroadcastMetrics(summary);
    if (summary.timedOut) throw new SegmentIncompleteError(`segment ${job.segment} ran out of time`, summary);
    return summary;
  } catch (error) {
    if (!(error instanceof FanOutError)) throw error;
    logger.error('segment summary', { ...keys, ...error.summary, stopped: true, error });
    publishBroadcastMetrics(error.summary, true);
    throw new SegmentIncompleteError(`segment ${job.segment} could not be read`, error.summary, { cause: error });
  }
}
