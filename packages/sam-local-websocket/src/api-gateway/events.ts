import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayEventWebsocketRequestContextV2, APIGatewayProxyWebsocketEventV2WithRequestContext } from 'aws-lambda';
import type { Connection } from './connection-registry.js';
import { CLOSE_CODES } from './constants.js';

/**
 * Ids in API Gateway's shape: 16 characters, base64 (URL alphabet) of 11 random bytes
 * ending in `=`, e.g. `BFHPhfCWIAMCKlQ=`, `VNRXVFJOywMF3-Q=` (captured events, AWS-FACTS.md).
 */
export const newId = (): string => `${randomBytes(11).toString('base64url')}=`;

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

/**
 * The event a route's Lambda gets; `$connect` and `$disconnect` add their headers. The query
 * string's two shapes are absent without a query, never `null` (the captured `$connect` events).
 */
export type GatewayEvent = Omit<
  APIGatewayProxyWebsocketEventV2WithRequestContext<GatewayRequestContext>,
  'queryStringParameters' | 'multiValueQueryStringParameters'
> & {
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
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

/** Headers API Gateway sets itself on `$connect`: a client's own copies are not passed on. */
const GATEWAY_HEADERS = ['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-amzn-trace-id'];
/** Hop-by-hop headers the `$connect` Lambda event does not carry (the authorizer's input does). */
const UPGRADE_HEADERS = ['connection', 'upgrade'];

/** An X-Ray trace header as API Gateway adds it: `Root=1-{epoch seconds, hex}-{96 random bits, hex}`. */
const traceId = (now: number): string => `Root=1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

/**
 * Headers in API Gateway's two shapes, as the captured `$connect` events carry them: the
 * client's, plus `X-Forwarded-For/Port/Proto` and `X-Amzn-Trace-Id`, without `Connection`
 * and `Upgrade` (kept when `upgradeHeaders`, as in the REQUEST authorizer's input).
 */
function headersOf(request: IncomingMessage, sourceIp: string, upgradeHeaders: boolean, domainName: string) {
  const dropped = new Set(upgradeHeaders ? GATEWAY_HEADERS : [...GATEWAY_HEADERS, ...UPGRADE_HEADERS]);
  const pairs: [string, string][] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i];
    // The client reached the API's own host on AWS: Host is its domain name, as in $disconnect.
    if (name.toLowerCase() === 'host') pairs.push([name, domainName]);
    else if (!dropped.has(name.toLowerCase())) pairs.push([name, request.rawHeaders[i + 1]]);
  }
  pairs.push(
    ['X-Amzn-Trace-Id', traceId(Date.now())],
    ['X-Forwarded-For', sourceIp],
    ['X-Forwarded-Port', String(request.socket?.localPort ?? '')],
    ['X-Forwarded-Proto', 'http'], // the local gateway speaks ws://, API Gateway wss:// (https)
  );
  // Any name is data (`constructor`, `__proto__`): gathered in Maps, never looked up on an object.
  const multi = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const values = multi.get(name);
    if (values) values.push(value);
    else multi.set(name, [value]);
  }
  return {
    headers: Object.fromEntries([...multi].map(([name, values]) => [name, values.join(',')])) as Record<string, string>,
    multiValueHeaders: Object.fromEntries(multi) as Record<string, string[]>,
  };
}

/**
 * Query string in API Gateway's two shapes (a repeated name's last value in the single
 * one); both absent when there is none, as in the captured `$connect` events.
 */
export function queryOf(url: URL): Pick<GatewayEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'> {
  if ([...url.searchParams.keys()].length === 0) return {};
  // As for headers: `?constructor=1` or `?__proto__=1` is a parameter like any other.
  const multi = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    const values = multi.get(name);
    if (values) values.push(value);
    else multi.set(name, [value]);
  }
  return {
    queryStringParameters: Object.fromEntries([...multi].map(([name, values]) => [name, values.at(-1)!])) as Record<string, string>,
    multiValueQueryStringParameters: Object.fromEntries(multi) as Record<string, string[]>,
  };
}

/**
 * The `$connect` event, with the handshake's headers and query string; `upgradeHeaders`
 * keeps `Connection` and `Upgrade`, as the REQUEST authorizer's input has them.
 */
export function connectEvent(api: ApiIdentity, connection: EventConnection, request: IncomingMessage, url: URL, { upgradeHeaders = false } = {}): GatewayEvent {
  return {
    ...headersOf(request, connection.sourceIp, upgradeHeaders, api.domainName),
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

/** The `disconnectReason` API Gateway gives for a close code when the client gave none. */
const DISCONNECT_REASONS: Record<number, string> = {
  [CLOSE_CODES.noStatus]: 'Client-side close frame status not set',
};

/** The `$disconnect` event, with the close code and reason, and API Gateway's header set. */
export function disconnectEvent(api: ApiIdentity, connection: EventConnection, statusCode: number, reason: string): GatewayEvent {
  const headers = { Host: api.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    requestContext: {
      ...requestContext(api, connection, '$disconnect', 'DISCONNECT'),
      disconnectStatusCode: statusCode,
      disconnectReason: reason === '' ? (DISCONNECT_REASONS[statusCode] ?? '') : reason,
    },
    isBase64Encoded: false,
  };
}
