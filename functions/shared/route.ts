import type { Context } from 'aws-lambda';
import { BadEventError, RouteError } from './errors.js';
import { connectionContext, type ConnectionContext, type WebSocketEvent, type WebSocketResult } from './events.js';
import { logger, startInvocationLogs } from './logger.js';
import { badRequest, serverError } from './responses.js';

/** Lambda's context as a route uses it: the remaining time, and the rest for the logs. */
export type RouteContext = Pick<Context, 'getRemainingTimeInMillis'> & Partial<Context>;

/** A route's own work, given the checked connection context, the raw event and Lambda's context. */
export type RouteHandler = (connection: ConnectionContext, event: WebSocketEvent, context?: RouteContext) => Promise<WebSocketResult>;

/**
 * Wraps a route's work with what every handler shares: every log line of the invocation
 * carries Lambda's request id, the cold-start flag and the connection id; the event is
 * checked first (a broken event answers 400 with the reason), and an unexpected error is
 * logged with its cause and stack. No internal text reaches the client: `$connect` and `$disconnect` answer
 * a bare 500 (which refuses a handshake); a message route throws a {@link RouteError}, so
 * API Gateway sends the caller its `Internal server error` frame rather than nothing.
 */
export function webSocketRoute(routeKey: string, work: RouteHandler) {
  return async (event: WebSocketEvent, context?: RouteContext): Promise<WebSocketResult> => {
    startInvocationLogs(context, { routeKey });
    let connection: ConnectionContext;
    try {
      connection = connectionContext(event);
    } catch (error) {
      if (!(error instanceof BadEventError)) throw error;
      logger.warn('bad event', { error });
      return badRequest(error.message);
    }
    logger.appendKeys({ connectionId: connection.connectionId });
    try {
      return await work(connection, event, context);
    } catch (error) {
      logger.error('route failed', { error });
      if (event.requestContext.eventType === 'MESSAGE') throw new RouteError(`${routeKey} failed`, { cause: error });
      return serverError();
    }
  };
}
