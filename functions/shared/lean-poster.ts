import type { Agent, IncomingMessage } from 'node:http';
import {
  ApiGatewayManagementApiServiceException,
  ForbiddenException,
  GoneException,
  LimitExceededException,
  PayloadTooLargeException,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';
import { extendedEncodeURIComponent } from '@smithy/core/protocols';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Provider, RetryErrorType, SdkError } from '@smithy/types';
import { DEFAULTS } from './constants.js';
import { AtMostOnceRetryStrategy } from './at-most-once-retry.js';
import { PostSigner } from './post-signer.js';
import { markSent, requestWritten, trackedAgents } from './request-fate.js';

// Not an ES `import` of node:http(s): see request-fate.ts.
const { request: httpRequest } = process.getBuiltinModule('node:http');
const { request: httpsRequest } = process.getBuiltinModule('node:https');

/** How a {@link LeanPoster} reaches the `@connections` API; everything but the endpoint has the SDK client's default. */
export interface LeanPosterOptions {
  /** `https://{api}.execute-api.{region}.{suffix}/{stage}` or a local `http://` endpoint. */
  endpoint: string;
  /** Keep-alive sockets: size it to the posts in flight. Default 50, as the SDK's. */
  maxSockets?: number;
  /**
   * Default: the SDK's default credential provider chain (env, SSO, ini, process, web identity,
   * ECS, IMDS); in the deployed bundles the environment alone (lambda-credentials.ts).
   */
  credentials?: AwsCredentialIdentityProvider;
  /** Signing region. Default: the SDK's region loader (`AWS_REGION`, then the shared config file). */
  region?: string | Provider<string>;
  /** Attempts per post (standard retry mode, at most once: see AtMostOnceRetryStrategy). Default `DEFAULTS.postMaxAttempts`. */
  maxAttempts?: number;
  /** Longest one attempt may take, in ms. Default `DEFAULTS.postAttemptTimeoutMs`. */
  requestTimeoutMs?: number;
}

/** One post: its path (connection id escaped as the SDK escapes it), unsigned headers and body. */
interface PostRequest {
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The error classes the SDK throws for `@connections` answers, by `x-amzn-ErrorType`. */
const MODELED_ERRORS = {
  GoneException,
  PayloadTooLargeException,
  LimitExceededException,
  ForbiddenException,
} as const;

/** The modeled error for a status whose answer carries no `x-amzn-ErrorType`. */
const ERROR_BY_STATUS: Record<number, keyof typeof MODELED_ERRORS> = {
  410: 'GoneException',
  413: 'PayloadTooLargeException',
  429: 'LimitExceededException',
  403: 'ForbiddenException',
};

/** Node's connection errors the SDK's HTTP handler renames to `TimeoutError`. */
const NODE_TIMEOUT_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/**
 * PostToConnection without the SDK client's per-call machinery (middleware stack, endpoint
 * rules, schema serde): the SDK's own SigV4 signer, credential chain and cache, standard
 * retry strategy (retrying only posts that provably were not delivered) and error classes
 * around a keep-alive `node:http(s)` request. The request
 * it sends is the SDK's, minus the SDK's telemetry headers (`user-agent`,
 * `x-amz-user-agent`, `amz-sdk-invocation-id`, `amz-sdk-request`). Errors are the SDK's classes
 * with its names and `$metadata` (`httpStatusCode`, `requestId`, `attempts`), so callers such as
 * `isGone` and `fanOut` need no change; the raw `$response` is not attached.
 */
export class LeanPoster {
  private readonly url: URL;
  private readonly basePath: string;
  private readonly host: string;
  private readonly agent: Agent;
  private readonly send: typeof httpRequest;
  private readonly signer: PostSigner;
  private readonly retry: AtMostOnceRetryStrategy;
  private readonly requestTimeoutMs: number;
  /** Server time minus local time, learnt from each answer's `Date` header, as the SDK's signer keeps it. */
  private clockOffset = 0;
  private lastServerDate?: { header: string; time: number };

  constructor(options: LeanPosterOptions) {
    this.url = new URL(options.endpoint);
    this.basePath = this.url.pathname.replace(/\/$/, '');
    // As the SDK's host header middleware writes it: the port only when the URL has one.
    this.host = this.url.host;
    const secure = this.url.protocol === 'https:';
    // Its sockets tell whether a failed request may have been sent: only one that was not is retried.
    const agents = trackedAgents({ maxSockets: options.maxSockets });
    this.agent = secure ? agents.httpsAgent : agents.httpAgent;
    this.send = secure ? httpsRequest : httpRequest;
    // Cached like the SDK client's credentials: refreshed once they are within 5 minutes of expiry.
    const credentials = memoizeIdentityProvider(options.credentials ?? defaultProvider(), isIdentityExpired, doesIdentityRequireRefresh)!;
    const region = options.region ?? loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS);
    this.signer = new PostSigner(credentials as Provider<AwsCredentialIdentity>, typeof region === 'string' ? async () => region : region);
    this.retry = new AtMostOnceRetryStrategy(options.maxAttempts ?? DEFAULTS.postMaxAttempts);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.postAttemptTimeoutMs;
  }

  /** Sends `data` to one connection; rejects as the SDK client would (e.g. `GoneException`). */
  async post(connectionId: string, data: Uint8Array): Promise<void> {
    const request: PostRequest = {
      path: `${this.basePath}/@connections/${extendedEncodeURIComponent(connectionId)}`,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.byteLength), host: this.host },
      body: data,
    };
    let token = await this.retry.acquireInitialRetryToken('');
    let totalRetryDelay = 0;
    for (;;) {
      try {
        await this.attempt(request);
        this.retry.recordSuccess(token);
        return;
      } catch (error) {
        const failure = error as Error & { $metadata?: Record<string, unknown> };
        try {
          token = await this.retry.refreshRetryTokenForRetry(token, { error: failure as SdkError, errorType: retryErrorType(failure) });
        } catch {
          failure.$metadata = { ...failure.$metadata, attempts: token.getRetryCount() + 1, totalRetryDelay };
          throw failure;
        }
        // The strategy has waited its backoff (full jitter) before handing out the token.
        totalRetryDelay += (token as { $retryLog?: { acquisitionDelay?: number } }).$retryLog?.acquisitionDelay ?? 0;
      }
    }
  }

  /**
   * Clock skew correction as in the SDK's `AwsSdkSigV4Signer` (`getUpdatedSystemClockOffset`,
   * which @aws-sdk/core does not export): the offset follows the server's `Date` unless the
   * answer was cached (`Age`) or took over 15 minutes.
   */
  private learnClock(res: IncomingMessage, sentAt: number): void {
    const date = res.headers.date;
    if (!date || res.headers.age !== undefined) return;
    // Parsed once per distinct Date header (it changes once a second).
    if (this.lastServerDate?.header !== date) this.lastServerDate = { header: date, time: Date.parse(date) };
    const serverTime = this.lastServerDate.time;
    const receivedAt = Date.now();
    if (Number.isNaN(serverTime) || receivedAt - sentAt > 900_000) return;
    this.clockOffset = serverTime - receivedAt;
  }

  /** Ends the keep-alive sockets (the process can then exit). */
  destroy(): void {
    this.agent.destroy();
  }

  private async attempt(request: PostRequest): Promise<void> {
    const offsetBefore = this.clockOffset;
    const sentAt = Date.now();
    const headers = await this.signer.signPost(request.path, request.headers, request.body, new Date(sentAt + offsetBefore));
    return new Promise<void>((resolve, reject) => {
      const req = this.send(
        // Headers as a flat list: Node writes them as given, without setHeader's per-header bookkeeping.
        { agent: this.agent, method: 'POST', hostname: this.url.hostname, port: this.url.port, path: request.path, headers: Object.entries(headers).flat() },
        (res) => {
          this.learnClock(res, sentAt);
          // An answer cut off mid-way: the request arrived, so it may have been delivered.
          const cutOff = (error: Error) => reject(markSent(error, true));
          if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
            res.on('end', resolve).on('error', cutOff).resume();
          } else {
            serviceError(res).then((error) => {
              // A corrected skew of 4+ minutes makes the error retryable, as in the SDK (isTransientError).
              if (Math.abs(this.clockOffset) >= 240_000 && this.clockOffset !== offsetBefore) Object.assign(error.$metadata, { clockSkewCorrected: true });
              reject(error);
            }, cutOff);
          }
        },
      );
      // As the SDK's handler with throwOnRequestTimeout: a TimeoutError. Whether any of the request
      // had been written decides whether it may be retried (see AtMostOnceRetryStrategy).
      const timer = setTimeout(() => {
        const message = `a request has exceeded the configured ${this.requestTimeoutMs} ms requestTimeout`;
        req.destroy(Object.assign(new Error(message), { name: 'TimeoutError', code: 'ETIMEDOUT', $requestSent: requestWritten(req) }));
      }, this.requestTimeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // Socket errors are marked by the agent; the rest (a hang-up, a request that never got a socket) here.
        markSent(err, requestWritten(req));
        reject(NODE_TIMEOUT_CODES.has(err.code ?? '') ? Object.assign(err, { name: 'TimeoutError' }) : err);
      });
      req.end(request.body);
    });
  }
}

/** The error the SDK would throw for a non-2xx answer: its class by `x-amzn-ErrorType`, else by status. */
async function serviceError(res: IncomingMessage): Promise<Error & { $metadata: object }> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const status = res.statusCode ?? -1;
  const typeHeader = res.headers['x-amzn-errortype'];
  const type = (Array.isArray(typeHeader) ? typeHeader[0] : typeHeader)?.split(/[:,]/)[0]?.trim() || ERROR_BY_STATUS[status];
  const $metadata = {
    httpStatusCode: status,
    requestId: header(res, 'x-amzn-requestid'),
    extendedRequestId: header(res, 'x-amz-id-2'),
    cfId: header(res, 'x-amz-cf-id'),
  };
  const message = messageOf(Buffer.concat(chunks)) ?? type ?? 'UnknownError';
  const Modeled = type ? MODELED_ERRORS[type as keyof typeof MODELED_ERRORS] : undefined;
  if (Modeled) return new Modeled({ message, $metadata });
  return new ApiGatewayManagementApiServiceException({ name: type ?? 'UnknownError', $fault: status >= 500 ? 'server' : 'client', message, $metadata });
}

function header(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `message` (or `Message`) of a JSON error body, if there is one. */
function messageOf(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown; Message?: unknown };
    const message = parsed.message ?? parsed.Message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Classifies a failed attempt with the SDK's own rules, as its retry middleware does. */
function retryErrorType(error: Error): RetryErrorType {
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(sdkError)) return 'THROTTLING';
  if (isTransientError(sdkError)) return 'TRANSIENT';
  if (isServerError(sdkError)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}
