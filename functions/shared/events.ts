import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { BadEventError } from './errors.js';

/**
 * The event API Gateway sends a WebSocket route's Lambda. `@types/aws-lambda` lacks the
 * CONNECT fields (headers, query string) and the DISCONNECT ones, so they are added here,
 * and it makes `messageId` required while AWS sends it on MESSAGE events only.
 */
export type WebSocketEvent = Omit<APIGatewayProxyWebsocketEventV2, 'requestContext'> & {
  headers?: Record<string, string | undefined>;
  multiValueHeaders?: Record<string, string[] | undefined>;
  queryStringParameters?: Record<string, string | undefined> | null;
  requestContext: Omit<APIGatewayProxyWebsocketEventV2['requestContext'], 'messageId'> & {
    messageId?: string;
    identity?: { sourceIp?: string; userAgent?: string };
    disconnectStatusCode?: number;
    disconnectReason?: string;
    authorizer?: Record<string, unknown> & { principalId?: string; sub?: string };
  };
};

/** What a route's Lambda answers. Only `$connect`'s status reaches the client (handshake). */
export interface WebSocketResult {
  statusCode: number;
  body?: string;
}

/** The fields every handler needs, checked once. */
export interface ConnectionContext {
  connectionId: string;
  connectedAt: number;
  apiId: string;
  stage: string;
}

/**
 * Takes the connection's identity out of an event. Throws a {@link BadEventError} when the
 * event was not sent by API Gateway (e.g. `sam local invoke` with a broken event file).
 */
export function connectionContext(event: unknown): ConnectionContext {
  const context = (event as Partial<WebSocketEvent> | null | undefined)?.requestContext;
  if (!context || typeof context !== 'object') {
    throw new BadEventError('The event has no requestContext: is it a WebSocket event from API Gateway?');
  }
  if (typeof context.connectionId !== 'string' || context.connectionId === '') {
    throw new BadEventError('The event has no requestContext.connectionId');
  }
  return {
    connectionId: context.connectionId,
    connectedAt: typeof context.connectedAt === 'number' ? context.connectedAt : Date.now(),
    apiId: context.apiId,
    stage: context.stage,
  };
}
