import { ACTIONS, EXAMPLE_MESSAGE, NOTICE_CODES, STATUS_CODES } from './constants.js';
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
  return notice(
    NOTICE_CODES.unknownAction,
    `Unknown action "${quoted}". Actions are case-sensitive: ${ACTIONS.join(', ')}.`,
  );
}

/** The notice for a broadcast without `data`. */
export const missingDataNotice = (): Notice =>
  notice(NOTICE_CODES.missingData, 'A broadcast needs a "data" field that is not null; nothing was sent.');

/** The notice for a broadcast whose `data` cannot be sent on. */
export const invalidDataNotice = (): Notice =>
  notice(NOTICE_CODES.invalidData, 'The "data" field is nested too deeply to send on; nothing was sent.');

/** The notice for a broadcast whose encoded `data` is larger than a message may be. */
export const payloadTooLargeNotice = (bytes: number, limitBytes: number): Notice => ({
  ...notice(
    NOTICE_CODES.payloadTooLarge,
    `The "data" field encodes to ${bytes} bytes, over the ${limitBytes}-byte limit of a message; nothing was sent.`,
  ),
  limitBytes,
});

/** The notice for a broadcast that ran out of time before it reached everyone. */
export const broadcastIncompleteNotice = (delivered: number): Notice =>
  notice(
    NOTICE_CODES.broadcastIncomplete,
    `The broadcast ran out of time after reaching ${delivered} connection(s); the others did not get it.`,
  );

/** The notice for a broadcast that could not run to the end. */
export const broadcastFailedNotice = (): Notice =>
  notice(NOTICE_CODES.broadcastFailed, 'The broadcast could not reach every connection; please try again.');

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
