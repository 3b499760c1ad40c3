import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_GATEWAY_LIMITS, CLOSE_CODES } from './constants.js';
import type { ConnectionRegistry } from './connection-registry.js';
import { readBody } from '../shared/read-body.js';

/** The `@connections` errors, with the type header SDK v3 maps to its exception classes. */
export const CONNECTIONS_ERRORS = {
  gone: { status: 410, type: 'GoneException', message: 'The connection is gone' },
  tooLarge: { status: 413, type: 'PayloadTooLargeException', message: 'The payload is larger than 128 KB' },
  forbidden: { status: 403, type: 'ForbiddenException', message: 'Forbidden' },
  // Not in the API's model nor documented; observed with SDK v3 for ids such as `test-connection-123`.
  invalidId: { status: 400, type: 'BadRequestException', message: 'Invalid connectionId' },
  /**
   * The connection's send buffer is full (a client that does not read): the SDK model's own words
   * for `LimitExceededException` cover it ("...or the WebSocket client side buffer is full").
   */
  bufferFull: { status: 429, type: 'LimitExceededException', message: 'The WebSocket client side buffer is full' },
} as const;

/**
 * An id API Gateway could have issued: 16 characters, base64 (URL alphabet) of 11 bytes ending
 * in `=`, e.g. `BFHPhfCWIAMCKlQ=`. Any other is malformed: 400 `BadRequestException`, while a
 * well-formed id of no open connection is 410 `GoneException`.
 */
export const CONNECTION_ID_PATTERN = /^[A-Za-z0-9_-]{15}=$/;

/** Answers a `@connections` call with an error, typed by the header SDK v3 reads. */
export function sendError(response: ServerResponse, error: { status: number; type: string; message: string }): void {
  response.writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.type });
  response.end(JSON.stringify({ message: error.message }));
}

/** Hooks the `@connections` API calls for fault injection (tests, the benchmark). */
export interface ManagementHooks {
  /** Runs before each `@connections` call is answered; may delay it, or answer it (returning true). */
  beforeCall?: (method: string, connectionId: string, request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean;
}

/** Answers one `@connections/{id}` request; `body` when it was read already (to check its signature). */
export type ConnectionsApi = (request: IncomingMessage, response: ServerResponse, connectionId: string, body?: Buffer) => Promise<void>;

/**
 * The `@connections` management API over the open connections: POST sends (200), GET
 * describes (200), DELETE closes (204); a malformed id answers 400, a gone id 410, a body over
 * 128 KB 413, a post to a connection that has more than `maxSendBufferBytes` waiting to be sent
 * 429 `LimitExceededException` (the message is not sent), any other method 403. A connection whose close has begun (either side's close frame) counts as
 * gone: nothing is delivered to it any more, so a POST is not answered 200 for a message
 * that never arrives.
 */
export function connectionsApi(
  registry: ConnectionRegistry,
  hooks: ManagementHooks = {},
  limits: { maxSendBufferBytes: number } = { maxSendBufferBytes: API_GATEWAY_LIMITS.maxSendBufferBytes },
): ConnectionsApi {
  return async (request, response, connectionId, body) => {
    const method = request.method ?? 'GET';
    if (hooks.beforeCall && (await hooks.beforeCall(method, connectionId, request, response))) return;
    if (!CONNECTION_ID_PATTERN.test(connectionId)) {
      request.resume();
      return sendError(response, CONNECTIONS_ERRORS.invalidId);
    }
    const known = registry.get(connectionId);
    const connection = known?.socket.readyState === known?.socket.OPEN ? known : undefined;
    if (method === 'POST') {
      const payload = body ?? (await readBody(request, API_GATEWAY_LIMITS.maxPayloadBytes));
      if (payload === 'too large') return sendError(response, CONNECTIONS_ERRORS.tooLarge);
      if (!connection) return sendError(response, CONNECTIONS_ERRORS.gone);
      // A client that does not read: what it has not taken stays bounded, and the caller hears so (nothing is sent).
      if (connection.socket.bufferedAmount + payload.length > limits.maxSendBufferBytes) return sendError(response, CONNECTIONS_ERRORS.bufferFull);
      // A text frame, as before: valid UTF-8 goes out as it came (no decoding and encoding again);
      // anything else is decoded first, so a client never gets a text frame that is not UTF-8.
      if (isUtf8(payload)) connection.socket.send(payload, { binary: false });
      else connection.socket.send(payload.toString('utf8'));
      connection.lastActiveAt = Date.now();
      response.writeHead(200).end();
      return;
    }
    if (!connection) {
      request.resume();
      return sendError(response, CONNECTIONS_ERRORS.gone);
    }
    if (method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          connectedAt: new Date(connection.connectedAt).toISOString(),
          identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
          lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
        }),
      );
      return;
    }
    if (method === 'DELETE') {
      connection.socket.close(CLOSE_CODES.normal, 'Closed by the @connections API');
      response.writeHead(204).end();
      return;
    }
    sendError(response, CONNECTIONS_ERRORS.forbidden);
  };
}
