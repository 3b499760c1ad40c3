import { BadEventError } from './errors.js';
import { connectionContext, type ConnectionContext, type WebSocketEvent, type WebSocketResult } from './events.js';
import { describeError, logger } from './logger.js';
import { badRequest, serverError } from './responses.js';

/** A route's own work, given the checked connection context and the raw event. */
export type RouteHandler = (connection: ConnectionContext, event: WebSocketEvent) => Promise<WebSocketResult>;

/**
 * Wraps a route's work with what every handler shares: the event is checked first (a
 * broken event answers 400 with the reason), and an unexpected error is logged with the
 * connection id and answered with a bare 500, so no internal text reaches the client.
 */
export function webSocketRoute(routeKey: string, work: RouteHandler): (event: WebSocketEvent) => Promise<WebSocketResult> {
  return async (event) => {
    let connection: ConnectionContext;
    try {
      connection = connectionContext(event);
    } catch (error) {
      if (!(error instanceof BadEventError)) throw error;
      logger.warn('bad event', { routeKey, ...describeError(error) });
      return badRequest(error.message);
    }
    try {
      return await work(connection, event);
    } catch (error) {
      logger.error('route failed', { routeKey, connectionId: connection.connectionId, ...describeError(error) });
      return serverError();
    }
  };
}
