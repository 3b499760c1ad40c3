import type { Context } from 'aws-lambda';
import { BadEventError, RouteError } from './errors.js';
import { connectionContext, type ConnectionContext, type WebSocketEvent, type WebSocketResult } from './events.js';
import { describeError, logger } from './logger.js';
import { badRequest, serverError } from './responses.js';

/** A route's own work, given the checked connection context, the raw event and Lambda's context. */
export type RouteHandler = (
  connection: ConnectionContext,
  event: WebSocketEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<WebSocketResult>;

/**
 * Wraps a route's work with what every handler shares: the event is checked first (a
 * broken event answers 400 with the reason), and an unexpected error is logged with the
 * connection id. No internal text reaches the client: `$connect` and `$disconnect` answer
 * a bare 500 (which refuses a handshake); a message route throws a {@link RouteError}, so
 * API Gateway sends the caller its `Internal server error` frame rather than nothing.
 */
export function webSocketRoute(routeKey: string, work: RouteHandler) {
  return async (event: WebSocketEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<WebSocketResult> => {
    let connection: ConnectionContext;
    try {
      connection = connectionContext(event);
    } catch (error) {
      if (!(error instanceof BadEventError)) throw error;
      logger.warn('bad event', { routeKey, ...describeError(error) });
      return badRequest(error.message);
    }
    try {
      return await work(connection, event, context);
    } catch (error) {
      logger.error('route failed', { routeKey, connectionId: connection.connectionId, ...describeError(error) });
      if (event.requestContext.eventType === 'MESSAGE') throw new RouteError(`${routeKey} failed`, { cause: error });
      return serverError();
    }
  };
}
