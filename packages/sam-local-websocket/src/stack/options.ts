/**
 * The local gateway's options, each with its default (API Gateway's value for every limit),
 * and the check that fails a wrong one before anything starts.
 */
import { API_GATEWAY_LIMITS, GATEWAY_TIMINGS } from '../api-gateway/constants.js';
import { OptionError } from '../errors.js';
import type { ConnectionsFaults } from '../api-gateway/faults.js';
import type { ManagementHooks } from '../api-gateway/connections-api.js';
import type { FunctionLogEntry, InvocationOutcome } from '../api-gateway/invocation-outcome.js';
import { DEFAULT_STORE_PORT } from '../dynamodb/store.js';
import { IAM_MODES, type IamMode } from '../iam/constants.js';
import type { IamRefusal } from '../iam/refusal.js';
import type { IssuerRequestEvent } from '../identity-provider/issuer.js';
import type { EnvVars, ReloadEvent } from '../lambda/functions.js';
import type { AsyncFailure } from '../lambda/invoke-api/async-invocations.js';
import { DEFAULT_MAX_HELD_BYTES, type InvokeApiOutcome } from '../lambda/invoke-api/invoke-api.js';
import { DEFAULT_CONTAINERS_PER_FUNCTION } from '../lambda/invoker.js';

/** Options of the local gateway. Every limit has API Gateway's value as its default. */
export interface GatewayOptions {
  /** The SAM template to serve. Default `template.yaml`. */
  template: string;
  /** WebSocket and `@connections` port; 0 picks a free one. Default 3001. */
  port: number;
  /** Address to listen on. Default 127.0.0.1 (this machine only). */
  host: string;
  /** Port of the local DynamoDB-compatible store; 0 picks a free one. Default 8000. */
  dbPort: number;
  /** Folder the store persists to; in memory when unset. */
  dbPath?: string;
  /** Stage to serve. Default: the template's `StageName` parameter default, else `dev`. */
  stage?: string;
  /** Template parameter values over their defaults. */
  parameters: Record<string, string>;
  /** Environment overrides, as `sam local invoke --env-vars` takes them. */
  envVars: EnvVars;
  /** Region the functions are told they run in. Default us-east-1. */
  region: string;
  /** Close a connection with no traffic after this long. Default 10 minutes. */
  idleTimeoutMs: number;
  /** Close any connection after this long. Default 2 hours. */
  maxDurationMs: number;
  /**
   * Longest connection URL (path and query string) a handshake may have; longer is refused
   * with 414 before `$connect` runs. Default 4,096 characters (API Gateway's quota).
   */
  maxUrlLength: number;
  /**
   * Largest single data frame a client may send; a bigger one closes the connection with
   * 1009, while messages up to 128 KB may come in fragments. Default 32 KB (API Gateway's quota).
   */
  maxFrameBytes: number;
  /**
   * For every close the gateway starts (a frame over the limit, a message over 128 KB, a binary
   * frame, invalid UTF-8, a protocol error, idleness, the maximum duration, stopping, DELETE
   * `@connections`): the TCP connection is ended when the client answers the close frame, or
   * this many ms after the close began if it does not, and `$disconnect` runs then. Default
   * 1,000 ms (`ws`'s own `closeTimeout` is 30 s; a client may wait for its own before it gives up).
   */
  closeTimeoutMs: number;
  /**
   * Most bytes a connection may have waiting to be sent (a client that does not read); a
   * `POST @connections` beyond it answers 429 `LimitExceededException` and sends nothing. Default
   * 1 MB (8 messages of 128 KB; AWS documents no size).
   */
  maxSendBufferBytes: number;
  /**
   * Longest a client may take to send a whole HTTP request (headers and body: `@connections`, the
   * Invoke API, the page); a slower one is answered 408 and its connection closed. Default 30 s
   * (API Gateway documents none; Node.js's own is 5 minutes).
   */
  bodyTimeoutMs: number;
  /**
   * Apply the stage's throttling (the template's `DefaultRouteSettings` and `RouteSettings`, or
   * API Gateway's account defaults: 10,000 requests per second, bursts of 5,000) to `$connect` and
   * messages, with API Gateway's answers (429; a `Too Many Requests` frame). Default true.
   */
  throttling: boolean;
  /**
   * Most bytes of payload the Lambda Invoke API holds at once (bodies being read, asynchronous
   * events accepted and not yet done); beyond it calls get Lambda's 429 `TooManyRequestsException`
   * instead of being accepted and lost. Default 64 MB.
   */
  maxInvokePayloadBytes: number;
  /** Rebuild and reload a function when its sources change. Default false. */
  watch: boolean;
  /**
   * A page folder to serve at `/` (`index.html`, `style.css`, `app.ts`, bundled into `app.js`),
   * its `<meta name="websocket-url">` filled with this gateway's URL, e.g. a project's try-it
   * page. Default none: `/` answers 403 as API Gateway does.
   */
  page?: string;
  /** Containers each function may run at once (each serves one invocation at a time). Default 2. */
  containersPerFunction: number;
  /** Gateway lines (one per invocation) and the functions' own log lines. Default console.log. */
  log: (line: string) => void;
  /** Called after every invocation the gateway makes, with how it went. Default none. */
  onInvocation?: (outcome: InvocationOutcome) => void;
  /** Called with every line a function writes (and its JSON record). Default none. */
  onFunctionLog?: (entry: FunctionLogEntry) => void;
  /** Called after every invocation made through the Lambda Invoke API (each async attempt too). Default none. */
  onInvoke?: (outcome: InvokeApiOutcome) => void;
  /** Called when an asynchronous invocation failed every attempt, with its destination record. Default none. */
  onAsyncFailure?: (failure: AsyncFailure) => void;
  /** With `watch`: called after each rebuild of a changed function. Default none. */
  onReload?: (event: ReloadEvent) => void;
  /** Latency and failures injected into `@connections` (see faults.ts). Default none. */
  faults: Partial<ConnectionsFaults>;
  /** Lower-level `@connections` hooks (tests); override `faults`. */
  managementHooks?: ManagementHooks;
  /**
   * Run a local OIDC issuer on the gateway's port and serve the template in `AuthMode` jwt,
   * with `JwtIssuer` and `JwtAudience` pointing at it. Default false.
   */
  localIssuer: boolean;
  /** With `localIssuer`: called for every request the issuer answers (e.g. JWKS fetches). Default none. */
  onIssuerRequest?: (event: IssuerRequestEvent) => void;
  /**
   * `enforce`: every function's DynamoDB and `@connections` calls are signature-checked and held
   * to its template policies, and unsigned `@connections` calls are refused. `off`: nothing is
   * checked. Default `enforce`.
   */
  iam: IamMode;
  /**
   * Treat access keys the gateway did not issue (a developer's own: the aws CLI, Postman) as an
   * administrator's on a host other than loopback. On a loopback host they always are; elsewhere,
   * without this, they are refused with `UnrecognizedClientException`. Default false.
   */
  allowAdminKeys: boolean;
  /** Called once for every call the local IAM refused. Default none. */
  onRefusal?: (refusal: IamRefusal) => void;
  /**
   * On close, the longest to wait for invocations under way (every `$disconnect`, and the
   * messages already running) before the functions are stopped. Default 30 s.
   */
  shutdownTimeoutMs: number;
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  template: 'template.yaml',
  port: 3001,
  host: '127.0.0.1',
  dbPort: DEFAULT_STORE_PORT,
  parameters: {},
  envVars: {},
  region: 'us-east-1',
  idleTimeoutMs: API_GATEWAY_LIMITS.idleTimeoutSeconds * 1000,
  maxDurationMs: API_GATEWAY_LIMITS.maxConnectionSeconds * 1000,
  maxUrlLength: API_GATEWAY_LIMITS.maxUrlLength,
  maxFrameBytes: API_GATEWAY_LIMITS.maxFrameBytes,
  closeTimeoutMs: GATEWAY_TIMINGS.closeTimeoutMs,
  maxSendBufferBytes: API_GATEWAY_LIMITS.maxSendBufferBytes,
  bodyTimeoutMs: GATEWAY_TIMINGS.bodyTimeoutMs,
  throttling: true,
  maxInvokePayloadBytes: DEFAULT_MAX_HELD_BYTES,
  watch: false,
  containersPerFunction: DEFAULT_CONTAINERS_PER_FUNCTION,
  log: (line) => console.log(line),
  faults: {},
  localIssuer: false,
  iam: IAM_MODES.enforce,
  allowAdminKeys: false,
  shutdownTimeoutMs: 30_000,
};

/** The client limits are whole numbers of at least 1: a wrong one fails the start, not a client later. */
export function checkLimits(options: GatewayOptions): void {
  for (const name of ['maxUrlLength', 'maxFrameBytes', 'closeTimeoutMs', 'maxSendBufferBytes', 'bodyTimeoutMs', 'maxInvokePayloadBytes'] as const) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 1) throw new OptionError(`${name} must be a whole number of at least 1, got ${value}`);
  }
}
