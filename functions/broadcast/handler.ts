import { randomUUID } from 'node:crypto';
import { publishBroadcastMetrics } from '../shared/broadcast-metrics.js';
import type { Config } from '../shared/config.js';
import type { ConnectionStore } from '../shared/connections.js';
import { API_GATEWAY_LIMITS, ROUTE_KEYS } from '../shared/constants.js';
import { dispatchJobs, DispatchError, jobsFor, workersNeeded, type WorkerStarter } from '../shared/dispatch.js';
import { fanOut, FanOutError, stopTime, type FanOutSummary } from '../shared/fan-out.js';
import { logger } from '../shared/logger.js';
import { managementEndpoint, type EndpointSettings, type ManagementClients } from '../shared/management.js';
import { encodeData, parseMessage } from '../shared/messages.js';
import {
  type Notice,
  type StatusNotice,
  broadcastDispatchedNotice,
  broadcastFailedNotice,
  broadcastOutcomeNotice,
  dispatchIncompleteNotice,
  invalidDataNotice,
  missingDataNotice,
  payloadTooLargeNotice,
} from '../shared/notices.js';
import { broadcastPoster, type Posting } from '../shared/posters.js';
import { replyWith } from '../shared/reply.js';
import { badRequest, ok, serverError } from '../shared/responses.js';
import { webSocketRoute } from '../shared/route.js';
import type { ConnectionContext } from '../shared/events.js';

/** What the broadcast handler works with, made once per container (app.ts). */
export interface BroadcastDeps {
  config: Config;
  store: ConnectionStore;
  /** How it posts the message to everyone: the lean poster and `BROADCAST_CONCURRENCY` in app.ts. */
  posting: Posting;
  /** The SDK clients its notices to the sender go through. */
  clients: ManagementClients;
  /** The Lambda client that starts fan-out workers, made on the first dispatch (dispatch.ts `lazyWorkerStarter`). */
  workers: WorkerStarter;
}

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
export function broadcastHandler({ config, store, posting, clients, workers: starter }: BroadcastDeps) {
  const endpointSettings: EndpointSettings = { override: config.managementEndpoint, region: config.region };
  const reply: Reply = (connection, notice) => replyWith(clients, connection, endpointSettings, notice);
  return webSocketRoute(ROUTE_KEYS.broadcast, async (connection, event, context) => {
    const message = parseMessage(event.body);
    const data = message.kind === 'object' ? message.value.data : undefined;
    if (data === undefined || data === null) {
      await reply(connection, missingDataNotice());
      return badRequest('missing data');
    }
    const sender = config.broadcastIncludesSender ? { sub: stringOrNull(event.requestContext.authorizer?.sub) } : undefined;
    const payload = encodeData(data, sender);
    if (payload === undefined) {
      await reply(connection, invalidDataNotice());
      return badRequest('data cannot be encoded');
    }
    // Re-encoding can grow data (1e20 becomes 100000000000000000000): every post would fail with 413.
    const encoded = Buffer.from(payload);
    if (encoded.length > API_GATEWAY_LIMITS.maxPayloadBytes) {
      await reply(connection, payloadTooLargeNotice(encoded.length, API_GATEWAY_LIMITS.maxPayloadBytes));
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
        await reply(connection, broadcastFailedNotice(broadcastId));
        return serverError();
      }
      if (workers > 0) return dispatch(connection, payload, workers, config.fanOutWorkerFunction, broadcastId, { endpointSettings, reply, starter });
    }

    const post = broadcastPoster(posting, managementEndpoint(connection, endpointSettings));
    let summary: FanOutSummary;
    let readToEnd = true;
    try {
      summary = await fanOut({
        recipients: store.connectionIds(),
        payload: encoded,
        concurrency: posting.concurrency,
        send: (connectionId, data) => post.post(connectionId, data),
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
    if (notice) await reply(connection, notice);
    // A broadcast that could not run to the end answers 500 (in API Gateway's logs); failed posts alone do not.
    return readToEnd && !summary.timedOut ? ok() : serverError();
  });
}

/** Sends a notice to the sender. */
type Reply = (connection: ConnectionContext, notice: Notice | StatusNotice) => Promise<boolean>;

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Hands the broadcast to `workers` fan-out workers and tells the sender: `broadcast_dispatched`,
 * or how many could not be confirmed as started (`broadcast_failed` only when none can have started).
 */
async function dispatch(
  connection: ConnectionContext,
  message: string,
  workers: number,
  functionName: string,
  broadcastId: string,
  { endpointSettings, reply, starter }: { endpointSettings: EndpointSettings; reply: Reply; starter: WorkerStarter },
) {
  const endpoint = managementEndpoint(connection, endpointSettings);
  const jobs = jobsFor(workers, { message, senderId: connection.connectionId, endpoint }, broadcastId);
  try {
    await dispatchJobs(functionName, jobs, starter);
  } catch (error) {
    if (!(error instanceof DispatchError)) throw error;
    logger.error('broadcast not dispatched', { broadcastId, workers, started: error.started, uncertain: error.uncertain, error });
    const nothingStarted = error.started === 0 && error.uncertain === 0;
    await reply(connection, nothingStarted ? broadcastFailedNotice(broadcastId) : dispatchIncompleteNotice(broadcastId, workers, error.started));
    return serverError();
  }
  await reply(connection, broadcastDispatchedNotice(workers, broadcastId));
  return ok();
}
