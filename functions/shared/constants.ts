/**
 * Route keys, notice codes, limits and defaults of the handlers. Every number that shapes
 * the handlers' behaviour lives here, once; the local gateway's own live in local/api-gateway/constants.ts.
 */

/** Route keys of the WebSocket API, as declared in template.yaml. */
export const ROUTE_KEYS = {
  connect: '$connect',
  disconnect: '$disconnect',
  default: '$default',
  broadcast: 'broadcast',
} as const;

/** The actions a client can name in `{"action": ...}`: every custom route. */
export const ACTIONS = [ROUTE_KEYS.broadcast] as const;

/** Stable codes of the JSON notices sent back to a client. */
export const NOTICE_CODES = {
  unknownAction: 'unknown_action',
  notJson: 'not_json',
  missingData: 'missing_data',
  invalidData: 'invalid_data',
  payloadTooLarge: 'payload_too_large',
  broadcastFailed: 'broadcast_failed',
  broadcastIncomplete: 'broadcast_incomplete',
} as const;

/** Why a broadcast did not reach every connection: the `reason` of a `broadcast_incomplete` notice. */
export const INCOMPLETE_REASONS = {
  /** Some posts failed; the rest were delivered. */
  postsFailed: 'posts_failed',
  /** Time ran out before every connection was posted to. */
  timedOut: 'timed_out',
  /** The connections could not be read to the end. */
  recipientsUnreadable: 'recipients_unreadable',
  /** Some fan-out workers could not be started (or their start not confirmed). */
  workersNotStarted: 'workers_not_started',
} as const;

/** Stable codes of the JSON notices that report success to a client (no `error`). */
export const STATUS_CODES = {
  /** A broadcast was handed to fan-out workers. */
  broadcastDispatched: 'broadcast_dispatched',
} as const;

/**
 * The API Gateway limits the handlers depend on (see AWS-FACTS.md). The local gateway keeps
 * its own copy of API Gateway's limits (local/api-gateway/constants.ts); a unit test checks
 * the two agree.
 */
export const API_GATEWAY_LIMITS = {
  /** Largest message payload, and the largest body `POST @connections` accepts. */
  maxPayloadBytes: 128 * 1024,
  /** Longest a connection may live: a record's TTL is set past it. */
  maxConnectionSeconds: 2 * 60 * 60,
} as const;

/** Defaults a deployer or caller may override. */
export const DEFAULTS = {
  /** Posts in flight at once during a broadcast (env `BROADCAST_CONCURRENCY`). */
  broadcastConcurrency: 100,
  /** Kept past the maximum connection duration before DynamoDB's TTL may remove a record. */
  ttlMarginSeconds: 5 * 60,
  /**
   * Attempts per `@connections` call: the SDK's standard retry mode (exponential backoff with
   * full jitter, within its retry quota), retrying only a call that provably was not delivered
   * (throttling, 429; a request that never left): at most once per connection.
   */
  postMaxAttempts: 3,
  /** Attempts per fan-out worker start (Lambda `Invoke`), retried by the same rule. */
  invokeMaxAttempts: 3,
  /**
   * Longest one `@connections` attempt may take. Posts are not aborted individually (a
   * per-call abort signal would turn off the SDK's cached middleware stack, which costs
   * more CPU per post), so this and the attempts bound how long a post can run.
   */
  postAttemptTimeoutMs: 1000,
  /**
   * A broadcast stops starting posts this long before the function would time out, so
   * posts in flight (at most `postMaxAttempts` attempts of `postAttemptTimeoutMs`, plus
   * backoff) finish and the sender hears what was not delivered...
   */
  deadlineMarginMs: 5000,
  /** ...or this share of the function's timeout, whichever is smaller. */
  deadlineMarginShare: 0.3,
  /**
   * Connection ids per Scan page. Small pages let posting start at once and the next page
   * arrive while this one is posted (measured: 0.89 of a bare post loop's rate with 500,
   * 0.67 with whole 1 MB pages); read units are the same either way.
   */
  scanPageSize: 500,
  /**
   * Below this many connections a broadcast posts itself; from it on, it hands the table to
   * fan-out workers (env `FAN_OUT_THRESHOLD`). One 512 MB broadcast function (~0.3 vCPU) posts
   * roughly 700/s, so about 10,000 posts take ~15 s: half of API Gateway's 29 s.
   */
  fanOutThreshold: 10_000,
  /** Most fan-out workers one broadcast starts (env `FAN_OUT_WORKERS`). */
  fanOutWorkers: 10,
} as const;

/** The message a client sends to broadcast; used in notices as an example. */
export const EXAMPLE_MESSAGE = { action: ROUTE_KEYS.broadcast, data: 'Hello' } as const;
