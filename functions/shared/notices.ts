import { ACTIONS, EXAMPLE_MESSAGE, INCOMPLETE_REASONS, NOTICE_CODES, STATUS_CODES } from './constants.js';
import type { FanOutSummary } from './fan-out.js';
import { parseMessage } from './messages.js';

type NoticeCode = (typeof NOTICE_CODES)[keyof typeof NOTICE_CODES];

/** A JSON notice to one client: what went wrong, what it can send instead. */
export interface Notice {
  error: NoticeCode;
  message: string;
  actions: readonly string[];
  example: typeof EXAMPLE_MESSAGE;
  /** The limit that was passed, when a limit was (bytes). */
  limitBytes?: number;
}

function notice(error: NoticeCode, message: string): Notice {
  return { error, message, actions: ACTIONS, example: EXAMPLE_MESSAGE };
}

/** The longest action name quoted back to the client; longer ones are cut. */
const MAX_QUOTED_ACTION = 64;

/** Builds the notice `$default` sends for a message that names no route. */
export function noticeForUnroutable(body: string | undefined | null): Notice {
  const message = parseMessage(body);
  if (message.kind === 'not_json') {
    return notice(NOTICE_CODES.notJson, 'Messages must be JSON objects such as {"action":"broadcast","data":"Hello"}.');
  }
  if (message.kind === 'not_object') {
    return notice(NOTICE_CODES.unknownAction, 'Messages must be JSON objects with an "action" field.');
  }
  const { action } = message.value;
  if (action === undefined) return notice(NOTICE_CODES.unknownAction, 'The message has no "action" field.');
  if (typeof action !== 'string') return notice(NOTICE_CODES.unknownAction, 'The "action" field must be a string.');
  const quoted = action.length > MAX_QUOTED_ACTION ? `${action.slice(0, MAX_QUOTED_ACTION)}…` : action;
  return notice(NOTICE_CODES.unknownAction, `Unknown action "${quoted}". Actions are case-sensitive: ${ACTIONS.join(', ')}.`);
}

/** The notice for a broadcast without `data`. */
export const missingDataNotice = (): Notice => notice(NOTICE_CODES.missingData, 'A broadcast needs a "data" field that is not null; nothing was sent.');

/** The notice for a broadcast whose `data` cannot be sent on. */
export const invalidDataNotice = (): Notice => notice(NOTICE_CODES.invalidData, 'The "data" field is nested too deeply to send on; nothing was sent.');

/** The notice for a broadcast whose encoded `data` is larger than a message may be. */
export const payloadTooLargeNotice = (bytes: number, limitBytes: number): Notice => ({
  ...notice(NOTICE_CODES.payloadTooLarge, `The "data" field encodes to ${bytes} bytes, over the ${limitBytes}-byte limit of a message; nothing was sent.`),
  limitBytes,
});

/** Why a broadcast did not reach every connection. */
export type IncompleteReason = (typeof INCOMPLETE_REASONS)[keyof typeof INCOMPLETE_REASONS];

/** A notice about one broadcast: its id is the one its log lines carry. */
export interface BroadcastNotice extends Notice {
  broadcastId: string;
}

/**
 * The notice for a broadcast that some connections may have got and others did not. It
 * never asks for a resend: that would give the message twice to those who have it.
 */
export interface IncompleteNotice extends BroadcastNotice {
  reason: IncompleteReason;
  /** Posting itself: connections that got it, and posts that failed. */
  delivered?: number;
  failed?: number;
  /** With fan-out workers: how many were to post, how many started, how many could not be confirmed as started. */
  workers?: number;
  workersStarted?: number;
  workersFailed?: number;
}

const NOT_RESENT = 'It is not sent again, so that nobody gets it twice.';

/** The notice for a broadcast that sent nothing at all: the one case where trying again is safe. */
export const broadcastFailedNotice = (broadcastId: string): BroadcastNotice => ({
  ...notice(NOTICE_CODES.broadcastFailed, 'The broadcast could not be sent; nobody got it. Please try again.'),
  broadcastId,
});

/** The notice for a broadcast that reached some connections and not others, and why. */
export function broadcastIncompleteNotice(
  broadcastId: string,
  summary: Pick<FanOutSummary, 'delivered' | 'failed'>,
  reason: IncompleteReason,
): IncompleteNotice {
  const { delivered, failed } = summary;
  // A failed post may have arrived all the same (sent, then no answer): "not confirmed", not "not reached".
  const failures = failed > 0 ? `; ${failed} more could not be confirmed as reached` : '';
  const what =
    reason === INCOMPLETE_REASONS.timedOut
      ? `The broadcast ran out of time after reaching ${delivered} connection(s)${failures}; the others did not get it.`
      : reason === INCOMPLETE_REASONS.recipientsUnreadable
        ? `The list of connections could not be read to the end: the broadcast reached ${delivered} connection(s)${failures}, and the others did not get it.`
        : `The broadcast reached ${delivered} connection(s); ${failed} could not be confirmed as reached.`;
  return { ...notice(NOTICE_CODES.broadcastIncomplete, `${what} ${NOT_RESENT}`), broadcastId, reason, delivered, failed };
}

/** The notice for a broadcast whose fan-out workers did not all start. */
export function dispatchIncompleteNotice(broadcastId: string, workers: number, workersStarted: number): IncompleteNotice {
  const workersFailed = workers - workersStarted;
  return {
    ...notice(
      NOTICE_CODES.broadcastIncomplete,
      `The broadcast was handed to ${workersStarted} of ${workers} fan-out worker(s); ${workersFailed} could not be confirmed as started, so their part of the connections may not get it. ${NOT_RESENT}`,
    ),
    broadcastId,
    reason: INCOMPLETE_REASONS.workersNotStarted,
    workers,
    workersStarted,
    workersFailed,
  };
}

/**
 * What the sender of a broadcast that posted itself is told: nothing when every connection
 * was reached (or found gone); `broadcast_failed` (try again) when nothing can have been
 * delivered to anyone; otherwise `broadcast_incomplete` with the counts, and no resend.
 */
export function broadcastOutcomeNotice(broadcastId: string, summary: FanOutSummary, readToEnd: boolean): BroadcastNotice | undefined {
  if (readToEnd && !summary.timedOut && summary.failed === 0) return undefined;
  if (summary.delivered === 0 && summary.uncertain === 0) return broadcastFailedNotice(broadcastId);
  const reason = !readToEnd ? INCOMPLETE_REASONS.recipientsUnreadable : summary.timedOut ? INCOMPLETE_REASONS.timedOut : INCOMPLETE_REASONS.postsFailed;
  return broadcastIncompleteNotice(broadcastId, summary, reason);
}

/** A JSON notice that tells one client how its request went (no `error`: it did not fail). */
export interface StatusNotice {
  status: (typeof STATUS_CODES)[keyof typeof STATUS_CODES];
  message: string;
  /** The id the workers' summary lines carry. */
  broadcastId: string;
  /** How many fan-out workers were started. */
  workers: number;
}

/** The notice for a broadcast handed to `workers` fan-out workers. */
export const broadcastDispatchedNotice = (workers: number, broadcastId: string): StatusNotice => ({
  status: STATUS_CODES.broadcastDispatched,
  message: `The broadcast was handed to ${workers} fan-out worker(s), each posting to its part of the connections.`,
  broadcastId,
  workers,
});
