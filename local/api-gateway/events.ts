import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayEventWebsocketRequestContextV2, APIGatewayProxyWebsocketEventV2WithRequestContext } from 'aws-lambda';
import type { Connection } from './connections.js';

/** Ids in API Gateway's shape: 12 base64 characters and a `=`, e.g. `L0SM9cOFvHcCIhw=`. */
export const newId = (): string => randomBytes(10).toString('base64');

/** Where the events say they come from. */
export interface ApiIdentity {
  apiId: string;
  stage: string;
  domainName: string;
}

/** API Gateway's `requestTime` format: `29/Nov/2026:08:00:01 +0000`. */
function requestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * The `requestContext` API Gateway sends, typed from `@types/aws-lambda` (not from the
 * handlers' own code: nothing under local/ imports functions/). AWS sends `messageId` on
 * MESSAGE events only, and adds `identity`, an authorizer's context and the close status.
 */
export type GatewayRequestContext = Omit<APIGatewayEventWebsocketRequestContextV2, 'messageId'> & {
  messageId?: string;
  identity: { sourceIp: string; userAgent?: string };
  authorizer?: Record<string, unknown>;
  disconnectStatusCode?: number;
  disconnectReason?: string;
};

/** The event a route's Lambda gets; `$connect` and `$disconnect` add their headers. */
export type GatewayEvent = Omit<
  APIGatewayProxyWebsocketEventV2WithRequestContext<GatewayRequestContext>,
  'queryStringParameters' | 'multiValueQueryStringParameters'
> & {
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  queryStringParameters?: Record<string, string> | null;
  multiValueQueryStringParameters?: Record<string, string[]> | null;
};

export type EventConnection = Pick<Connection, 'connectionId' | 'connectedAt' | 'sourceIp' | 'userAgent' | 'authorizer'>;

function requestContext(api: ApiIdentity, connection: EventConnection, routeKey: string, eventType: GatewayRequestContext['eventType']): GatewayRequestContext {
  const now = new Date();
  const requestId = newId();
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: requestTime(now),
    messageDirection: 'IN' as const,
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: now.getTime(),
    identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
    requestId,
    domainName: api.domainName,
    connectionId: connection.connectionId,
    apiId: api.apiId,
    ...(connection.authorizer ? { authorizer: connection.authorizer } : {}),
  };
}

/** Headers in API Gateway's two shapes. */
function headersOf(request: IncomingMessage) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const [name, value] = [request.rawHeaders[i], request.rawHeaders[i + 1]];
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

/** Query string in API Gateway's two shapes; `null` when there is none. */
export function queryOf(url: URL) {
  if ([...url.searchParams.keys()].length === 0) {
    return { queryStringParameters: null, multiValueQueryStringParameters: null };
  }
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

/** The `$connect` event, with the handshake's headers and query string. */
export function connectEvent(api: ApiIdentity, connection: EventConnection, request: IncomingMessage, url: URL): GatewayEvent {
  return {
    ...headersOf(request),
    ...queryOf(url),
    requestContext: requestContext(api, connection, '$connect', 'CONNECT'),
    isBase64Encoded: false,
  };
}

/** A MESSAGE event for the route a frame was sent to. */
export function messageEvent(api: ApiIdentity, connection: EventConnection, routeKey: string, body: string): GatewayEvent {
  return {
    requestContext: { ...requestContext(api, connection, routeKey, 'MESSAGE'), messageId: newId() },
    body,
    isBase64Encoded: false,
  };
}

/** The `$disconnect` event, with the close code and reason. */
export function disconnectEvent(api: ApiIdentity, connection: EventConnection, statusCode: number, reason: string): GatewayEvent {
  return {
    headers: { Host: api.domainName },
    multiValueHeaders: { Host: [api.domainName] },
    requestContext: {
      ...requestContext(api, connection, '$disconnect', 'DISCONNECT'),
      disconnectStatusCode: statusCode,
      disconnectReason: reason,
    },
    isBase64Encoded: false,
  };
}
