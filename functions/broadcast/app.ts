import { randomUUID } from 'node:crypto';
import { publishBroadcastMetrics } from '../shared/broadcast-metrics.js';
import { readConfig } from '../shared/config.js';
import { ConnectionStore } from '../shared/connections.js';
import { API_GATEWAY_LIMITS, ROUTE_KEYS } from '../shared/constants.js';
import { dispatchJobs, DispatchError, jobsFor, workersNeeded } from '../shared/dispatch.js';
import { fanOut, FanOutError, stopTime, type FanOutSummary } from '../shared/fan-out.js';
import { logger } from '../shared/logger.js';
import { managementEndpoint } from '../shared/management.js';
import { encodeData, parseMessage } from '../shared/messages.js';
import {
  broadcastDispatchedNotice,
  broadcastFailedNotice,
  broadcastOutcomeNotice,
  dispatchIncompleteNotice,
  invalidDataNotice,
  missingDataNotice,
  payloadTooLargeNotice,
} from '../shared/notices.js';
import { broadcastPoster } from '../shared/posters.js';
import { replyWith } from '../shared/reply.js';
import { badRequest, ok, serverError } from '../shared/responses.js';
import { webSocketRoute } from '../shared/route.js';
import type { ConnectionContext } from '../shared/events.js';

const config = readConfig();
const store = new ConnectionStore(config.tableName);
const endpointSettings = { override: config.managementEndpoint, region: config.region };

/**
 * `broadcast`: sends `data` to every connection, the sender's included (with
 * `BROADCAST_INCLUDE_SENDER`, as `{"from": sub, "data": data}`). Without `data` only the
 * sender hears about it. One summary line is logged and one set of metrics
 * (Recipients, Delivered, Failed, StaleRemoved, TimedOut, Stopped, FanOutMs) emitted per broadcast.
 * With a fan-out worker configured and at least `FAN_OUT_THRESHOLD` connections, it hands
 * the table's segments to workers instead and tells the sender `broadcast_dispatched`.
 *
 * At most once per connection: nothing is posted twice. When not everyone was reached the
 * sender is told, with the broadcast's id: `broadcast_incomplete` with the counts (never
 * asking for a resend, which would repeat it to those who have it), or `broadcast_failed`
 * (please try again) only when nobody can have got it.
 */
export const handler = webSocketRoute(ROUTE_KEYS.broadcast, async (connection, event, context) => {
  const message = parseMessage(event.body);
  const data = message.kind === 'object' ? message.value.data : undefined;
  if (data === undefined || data === null) {
    await replyWith(connection, endpointSettings, missingDataNotice());
    return badRequest('missing data');
  }
  const sender = config.broadcastIncludesSender ? { sub: stringOrNull(event.requestContext.authorizer?.sub) } : undefined;
  const payload = encodeData(data, sender);
  if (payload === undefined) {
    await replyWith(connection, endpointSettings, invalidDataNotice());
    return badRequest('data cannot be encoded');
  }
  // Re-encoding can grow data (1e20 becomes 100000000000000000000): every post would fail with 413.
  const encoded = Buffer.from(payload);
  if (encoded.length > API_GATEWAY_LIMITS.maxPayloadBytes) {
    await replyWith(connection, endpointSettings, payloadTooLargeNotice(encoded.length, API_GATEWAY_LIMITS.maxPayloadBytes));
    return badRequest('data too large');
  }

  const broadcastId = randomUUID();
  if (config.fanOutWorkerFunction) {
    let workers: number;
    try {
      workers = await workersNeeded(store, { threshold: config.fanOutThreshold, maxWorkers: config.fanOutWorkers });
    } catch (error) {
      // The table cannot be read: posting would fail the same way.
      logger.error('connections not counted', { broadcastId, error });
      await replyWith(connection, endpointSettings, broadcastFailedNotice(broadcastId));
      return serverError();
    }
    if (workers > 0) return dispatch(connection, payload, workers, config.fanOutWorkerFunction, broadcastId);
  }

  const post = broadcastPoster(config, managementEndpoint(connection, endpointSettings));
  let summary: FanOutSummary;
  let readToEnd = true;
  try {
    summary = await fanOut({
      recipients: store.connectionIds(),
      payload: encoded,
      concurrency: config.broadcastConcurrency,
      send: post,
      removeStale: (connectionId) => store.remove(connectionId),
      stopAt: context && stopTime(context.getRemainingTimeInMillis()),
    });
    logger.info('broadcast complete', { broadcastId, ...summary });
  } catch (error) {
    if (!(error instanceof FanOutError)) throw error;
    ({ summary } = error);
    readToEnd = false;
    logger.error('broadcast stopped', { broadcastId, ...summary, error });
  }
  publishBroadcastMetrics(summary, !readToEnd);
  const notice = broadcastOutcomeNotice(broadcastId, summary, readToEnd);
  if (notice) await replyWith(connection, endpointSettings, notice);
  // A broadcast that could not run to the end answers 500 (in API Gateway's logs); failed posts alone do not.
  return readToEnd && !summary.timedOut ? ok() : serverError();
});

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Hands the broadcast to `workers` fan-out workers and tells the sender: `broadcast_dispatched`,
 * or how many could not be confirmed as started (`broadcast_failed` only when none can have started).
 */
async function dispatch(connection: ConnectionContext, message: string, workers: number, functionName: string, broadcastId: string) {
  const endpoint = managementEndpoint(connection, endpointSettings);
  const jobs = jobsFor(workers, { message, senderId: connection.connectionId, endpoint }, broadcastId);
  try {
    await dispatchJobs(functionName, jobs);
  } catch (error) {
    if (!(error instanceof DispatchError)) throw error;
    logger.error('broadcast not dispatched', { broadcastId, workers, started: error.started, uncertain: error.uncertain, error });
    const nothingStarted = error.started === 0 && error.uncertain === 0;
    await replyWith(connection, endpointSettings, nothingStarted ? broadcastFailedNotice(broadcastId) : dispatchIncompleteNotice(broadcastId, workers, error.started));
    return serverError();
  }
  await replyWith(connection, endpointSettings, broadcastDispatchedNotice(workers, broadcastId));
  return ok();
}
