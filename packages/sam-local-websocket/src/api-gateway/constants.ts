/**
 * What the local API Gateway emulates, in one place: its route keys, limits and close codes
 * (see the package README's "What it runs"). Every default
 * the gateway, its CLI and its README state is read from here.
 */

/** The route keys API Gateway itself gives meaning to. */
export const ROUTE_KEYS = {
  connect: '$connect',
  disconnect: '$disconnect',
  default: '$default',
} as const;

/** API Gateway WebSocket limits. */
export const API_GATEWAY_LIMITS = {
  /** Largest message payload, and the largest body `POST @connections` accepts. */
  maxPayloadBytes: 128 * 1024,
  /** Largest single frame a client may send; bigger messages come in fragments (1009 otherwise). */
  maxFrameBytes: 32 * 1024,
  /** Longest connection URL: path and query string, as the request line carries it. */
  maxUrlLength: 4096,
  /** Longest a connection may live. */
  maxConnectionSeconds: 2 * 60 * 60,
  /** A connection with no traffic for this long is closed. */
  idleTimeoutSeconds: 10 * 60,
  /**
   * Most bytes a connection may have waiting to be sent (a client that does not read): a
   * `POST @connections` beyond it answers 429 `LimitExceededException` and sends nothing. AWS
   * documents no size, only that this error means "the WebSocket client side buffer is full"
   * (SDK model): the twin's bound is 8 messages of the largest size.
   */
  maxSendBufferBytes: 8 * 128 * 1024,
} as const;

/** WebSocket close codes the gateway uses, as API Gateway does. */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  noStatus: 1005,
  abnormal: 1006,
  messageTooBig: 1009,
  internalError: 1011,
} as const;

/** What API Gateway answers a handshake whose `$connect` integration throws or times out. */
export const CONNECT_FAILED_STATUS = 502;

/** How the local gateway paces the closes it starts. */
export const GATEWAY_TIMINGS = {
  /**
   * Every close the gateway starts (1009, 1003, 1007, 1002, idle, the 2-hour limit, 1001 at
   * stop, DELETE @connections): the TCP connection ends when the client answers the close
   * frame, or this long after the close began if it does not (RFC 6455 §7.1.1: the server
   * closes the TCP connection first), and `$disconnect` runs then. `ws`'s own default is 30 s.
   */
  closeTimeoutMs: 1000,
  /** Longest a client may take to send a whole HTTP request; then 408 (API Gateway documents none). */
  bodyTimeoutMs: 30_000,
} as const;

/** The API id local events and ARNs carry. */
export const LOCAL_API_ID = 'local';
