import type { IncomingMessage } from 'node:http';

/**
 * Why a WebSocket handshake is refused before anything runs for it: the HTTP status, a
 * stable `code` (as `ws`'s errors carry one), ws's reason text, and headers to send.
 */
export interface HandshakeProblem {
  status: number;
  code: 'url_too_long' | 'invalid_method' | 'invalid_upgrade' | 'invalid_connection' | 'invalid_key' | 'invalid_version';
  reason: string;
  headers?: Record<string, string>;
}

/** The one WebSocket version spoken (RFC 6455), as ws and API Gateway speak it. */
const WEBSOCKET_VERSION = '13';
/** A Sec-WebSocket-Key: base64 of 16 bytes. */
const KEY = /^[+/0-9A-Za-z]{21}[AQgw]==$/;

/**
 * Checks a WebSocket handshake's request before anything runs for it: API Gateway's URL
 * quota (414; AWS documents the quota, not its status), then as `ws` would (method GET
 * (405), `Upgrade: websocket`, `Connection: upgrade`, a valid key, version 13, a
 * then ws's own parse of the subprotocol list (handshake-gate.ts)), so a refused handshake never reaches the authorizer
 * or `$connect` and leaves no record. `undefined` when it is valid.
 */
export function handshakeProblem(request: IncomingMessage, maxUrlLength: number): HandshakeProblem | undefined {
  const { headers } = request;
  if ((request.url ?? '').length > maxUrlLength) return { status: 414, code: 'url_too_long', reason: 'URI Too Long' };
  if (request.method !== 'GET') return { status: 405, code: 'invalid_method', reason: 'Invalid HTTP method' };
  if (headers.upgrade?.toLowerCase() !== 'websocket') return { status: 400, code: 'invalid_upgrade', reason: 'Invalid Upgrade header' };
  const connection = (headers.connection ?? '').split(',').map((token) => token.trim().toLowerCase());
  if (!connection.includes('upgrade')) return { status: 400, code: 'invalid_connection', reason: 'Invalid Connection header' };
  const key = headers['sec-websocket-key'];
  if (key === undefined || !KEY.test(key)) return { status: 400, code: 'invalid_key', reason: 'Missing or invalid Sec-WebSocket-Key header' };
  if (headers['sec-websocket-version'] !== WEBSOCKET_VERSION) {
    return {
      status: 400,
      code: 'invalid_version',
      reason: 'Missing or invalid Sec-WebSocket-Version header',
      headers: { 'Sec-WebSocket-Version': WEBSOCKET_VERSION },
    };
  }
  // The subprotocol list is ws's to parse (handshake-gate.ts): one parser decides.
  return undefined;
}
