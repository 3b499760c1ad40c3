import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_QUEUED_INVOCATIONS, throttledOutcome } from '../queue-limits.js';
import { readBody } from '../../shared/read-body.js';
import { decodeSegment } from '../../shared/request-url.js';
import type { LocalFunction } from '../invoker.js';
import type { Outcome } from '../container-protocol.js';
import { runAsync, type AsyncFailure, type AsyncSettings } from './async-invocations.js';
import { INVOCATION_TYPES, INVOKE_ERRORS, INVOKE_LIMITS, INVOKE_PATH } from './constants.js';
import { getFunctionAnswer, listFunctionsAnswer, type ConfigurationSource } from './function-configuration.js';
import { echoed, readFunctionName, type LambdaRefusal } from './function-name.js';
import { answerJson, refuse, syncAnswer, throttled } from './invoke-answers.js';
import { logResult, readInvokeHeaders } from './invoke-headers.js';
import { InvokeLoad, LogTail } from './invoke-load.js';

/** One invocation made through the Invoke API: what the gateway reports for it. */
export interface InvokeApiOutcome {
  function: string;
  invocationType: 'RequestResponse' | 'Event';
  requestId: string;
  ok: boolean;
  durationMs: number;
  /** The container thread's CPU time during the invocation, ms, as for API Gateway's invocations. Absent when it did not run. */
  cpuMs?: number;
  error?: { name: string; message: string };
}

/** A function the Invoke API can run: its container pool, ARN and async settings. */
export interface InvokeTarget {
  fn: LocalFunction;
  arn: string;
  async: AsyncSettings;
  /** `ReservedConcurrentExecutions`, resolved; 0 throttles every invocation, as on Lambda. */
  reservedConcurrency?: number;
}

/** What the Invoke API serves and whom it tells. */
export interface InvokeApiOptions {
  /** Every function of the template by name (logical id). */
  targets: Map<string, InvokeTarget>;
  /** `arn:{partition}:lambda:{region}:{account}:function:`, for error messages. */
  arnPrefix: string;
  /** The twin's partition, region and account: an ARN naming another region or account is refused as Lambda refuses it. */
  scope: { partition: string; region: string; accountId: string };
  /** After each invocation it ran (every attempt of an asynchronous one). */
  onInvoke: (outcome: InvokeApiOutcome) => void;
  /** An asynchronous invocation failed every attempt: its destination record. */
  onAsyncFailure: (failure: AsyncFailure) => void;
  /**
   * The caller's IAM check (the local IAM's `lambda:InvokeFunction`, or `lambda:GetFunction` /
   * `lambda:ListFunctions`), given the read body: undefined lets the call through. None: every call is served.
   */
  authorize?: (request: IncomingMessage, body: Buffer, functionArn: string, action?: string) => Promise<LambdaRefusal | undefined>;
  /**
   * Most bytes of payload held at once (request bodies being read, and events accepted and not yet
   * finished); beyond it a call is refused with Lambda's throttling error (429, so the SDK retries)
   * instead of accepted and lost. Default {@link DEFAULT_MAX_HELD_BYTES}.
   */
  maxHeldBytes?: number;
}

/** The Invoke API's memory bound: 64 MB of payloads held (64 async events of 1 MB, or ten 6 MB sync calls). */
export const DEFAULT_MAX_HELD_BYTES = 64 * 1024 * 1024;

const FUNCTION_PATH = /^\/2015-03-31\/functions\/([^/]+)$/;
const LIST_PATH = /^\/2015-03-31\/functions\/?$/;

/**
 * Lambda's `Invoke`, `GetFunction` and `ListFunctions` APIs for the template's functions, on the
 * gateway's port (the SDK's `LambdaClient` finds it through `AWS_ENDPOINT_URL_LAMBDA`).
 * `RequestResponse` answers 200 with the handler's result (over 6 MB: `Function.ResponseSizeTooLarge`),
 * or with `X-Amz-Function-Error: Unhandled` and Lambda's error object when it threw or timed out,
 * with the log's last 4 KB in `X-Amz-Log-Result` for `LogType: Tail`; `Event` answers 202 and runs
 * the invocation on the same containers as API Gateway's, retried per `EventInvokeConfig` and
 * reported to its on-failure destination; `DryRun` answers 204. The payload reaches the function
 * as the JSON text it came as. A malformed name, header or body, another region's or account's
 * ARN, an unknown function, or more payload than the twin holds ({@link DEFAULT_MAX_HELD_BYTES})
 * gets Lambda's error. `handle` answers requests on these paths and returns false for any other.
 */
export function invokeApi(options: InvokeApiOptions) {
  const load = new InvokeLoad(options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES);
  const logs = new LogTail();
  let closed = false;
  let accepting = true;

  const run = async (
    target: InvokeTarget,
    name: string,
    invocationType: InvokeApiOutcome['invocationType'],
    json: string,
    startBy?: number,
  ): Promise<Outcome> => {
    const outcome = await target.fn.invoke(undefined, { startBy, json });
    // An expired event never ran: there is no invocation to report, only its destination record.
    if (!closed && !(!outcome.ok && outcome.expired)) {
      options.onInvoke({
        function: name,
        invocationType,
        requestId: outcome.requestId,
        ok: outcome.ok,
        durationMs: outcome.ms,
        ...(outcome.cpuMs === undefined ? {} : { cpuMs: outcome.cpuMs }),
        ...(outcome.ok ? {} : { error: outcome.error }),
      });
    }
    return outcome;
  };

  const handle = (request: IncomingMessage, response: ServerResponse, pathname: string, search: URLSearchParams): boolean => {
    const invoke = INVOKE_PATH.exec(pathname);
    const get = FUNCTION_PATH.exec(pathname);
    if (!invoke && !get && !LIST_PATH.test(pathname)) return false;
    const served = invoke ? serveInvoke(request, response, invoke[1], search) : serveConfiguration(request, response, get?.[1], search);
    void served.catch((error: Error) => {
      if (!response.headersSent) refuse(response, { type: 'ServiceException', status: 500, message: error.message });
      else response.destroy();
    });
    return true;
  };

  /** The target a path's name stands for, or Lambda's refusal. */
  const targetOf = (rawName: string, search: URLSearchParams): { name: string; target: InvokeTarget } | LambdaRefusal => {
    const decoded = decodeSegment(rawName);
    if (decoded === undefined) return readFunctionName('\u0000', null, options.scope) as LambdaRefusal;
    const ref = readFunctionName(decoded, search.get('Qualifier'), options.scope);
    if ('type' in ref) return ref;
    const target = ref.qualifier === undefined || ref.qualifier === '$LATEST' ? options.targets.get(ref.name) : undefined;
    if (!target) {
      const message = `Function not found: ${options.arnPrefix}${echoed(ref.name)}${ref.qualifier ? `:${echoed(ref.qualifier)}` : ''}`;
      return { ...INVOKE_ERRORS.notFound, message };
    }
    return { name: ref.name, target };
  };

  const sourceOf = (target: InvokeTarget): ConfigurationSource => ({
    spec: target.fn.spec,
    arn: target.arn,
    environment: target.fn.environment,
    rolePrefix: `arn:${options.scope.partition}:iam::${options.scope.accountId}:role/`,
  });

  const serveConfiguration = async (
    request: IncomingMessage,
    response: ServerResponse,
    rawName: string | undefined,
    search: URLSearchParams,
  ): Promise<void> => {
    request.resume();
    if (request.method !== 'GET') return refuse(response, { ...INVOKE_ERRORS.notFound, message: `Unknown operation ${echoed(String(request.method))}` });
    if (rawName === undefined) {
      const refusal = await options.authorize?.(request, Buffer.alloc(0), '*', 'lambda:ListFunctions');
      if (refusal) return refuse(response, refusal);
      const maxItems = Math.min(50, Math.max(1, Number.parseInt(search.get('MaxItems') ?? '50', 10) || 50));
      return answerJson(response, listFunctionsAnswer([...options.targets.values()].map(sourceOf), search.get('Marker'), maxItems));
    }
    const found = targetOf(rawName, search);
    if ('type' in found) return refuse(response, found);
    const refusal = await options.authorize?.(request, Buffer.alloc(0), found.target.arn, 'lambda:GetFunction');
    if (refusal) return refuse(response, refusal);
    answerJson(response, getFunctionAnswer(sourceOf(found.target)));
  };

  const serveInvoke = async (request: IncomingMessage, response: ServerResponse, rawName: string, search: URLSearchParams): Promise<void> => {
    if (request.method !== 'POST')
      return refuse(response, { ...INVOKE_ERRORS.notFound, message: `Unknown operation ${echoed(String(request.method))}` }, request);
    const found = targetOf(rawName, search);
    if ('type' in found) return refuse(response, found, request);
    const { name, target } = found;
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? INVOCATION_TYPES.requestResponse);
    if (!Object.values(INVOCATION_TYPES).includes(invocationType as never)) {
      const message = `1 validation error detected: Value '${echoed(invocationType)}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`;
      return refuse(response, { ...INVOKE_ERRORS.invalidParameter, message }, request);
    }
    const headers = readInvokeHeaders(request.headers);
    if ('type' in headers) return refuse(response, headers, request);
    if (!accepting) return refuse(response, throttled('the local gateway is stopping'), request);
    // Reserved concurrency 0 stops every invocation on Lambda: a synchronous one is throttled.
    if (target.reservedConcurrency === 0 && invocationType === INVOCATION_TYPES.requestResponse) {
      return refuse(response, { ...throttled('reserved concurrency 0'), reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' }, request);
    }
    // A synchronous call does not queue on Lambda: past the function's waiting bound it is throttled at once.
    if (invocationType !== INVOCATION_TYPES.event && target.fn.waiting >= MAX_QUEUED_INVOCATIONS) {
      return refuse(response, throttled('the function has more invocations waiting than the local gateway queues'), request);
    }
    const limit = invocationType === INVOCATION_TYPES.event ? INVOKE_LIMITS.maxAsyncPayloadBytes : INVOKE_LIMITS.maxSyncPayloadBytes;
    // Held from before the body is read: a declared length is reserved, else the limit.
    const declared = Number(request.headers['content-length']);
    const reserved = Number.isInteger(declared) && declared >= 0 && declared <= limit ? declared : limit;
    if (!load.hold(reserved)) return refuse(response, throttled('more payload is queued than the local gateway holds'), request);
    let held = reserved;
    try {
      const body = await readBody(request, limit);
      if (body === 'too large') {
        return refuse(response, {
          ...INVOKE_ERRORS.tooLarge,
          message: `Request must be smaller than ${limit} bytes for the ${invocationType} invocation type`,
        });
      }
      held = load.resize(held, body.length);
      const refusal = await options.authorize?.(request, body, target.arn);
      if (refusal) return refuse(response, refusal);
      const json = body.length > 0 ? body.toString('utf8') : '{}';
      let payload: unknown;
      try {
        // Checked here (JSON.parse does not recurse: any depth parses); the function gets the text itself.
        payload = JSON.parse(json);
      } catch {
        return refuse(response, { ...INVOKE_ERRORS.invalidContent, message: 'Could not parse request body into json: the payload is not valid JSON' });
      }
      if (invocationType === INVOCATION_TYPES.dryRun) {
        response.writeHead(204).end();
        return;
      }
      if (invocationType === INVOCATION_TYPES.event) {
        response.writeHead(202, { 'content-length': '0' }).end();
        const bytes = held;
        held = 0; // now the event's, until it is done
        // Reserved concurrency 0: the event goes straight to its destination record, without retries (Lambda's
        // documented behaviour; the record's fields for it are not documented: the throttle error is kept).
        const blocked = target.reservedConcurrency === 0;
        const work = runAsync(
          (startBy) => (blocked ? Promise.resolve(throttledOutcome()) : run(target, name, 'Event', json, startBy)),
          { function: name, functionArn: target.arn, payload, settings: blocked ? { ...target.async, maximumRetryAttempts: 0 } : target.async },
          (failure) => {
            if (!closed) options.onAsyncFailure(failure);
          },
        );
        load.track(work, bytes);
        return;
      }
      const since = logs.mark(name);
      const outcome = await run(target, name, 'RequestResponse', json);
      const answer = syncAnswer(outcome);
      const headers2: Record<string, string> = {
        'content-type': 'application/json',
        'x-amz-executed-version': '$LATEST',
        'x-amzn-requestid': outcome.requestId,
      };
      if (answer.functionError) headers2['x-amz-function-error'] = 'Unhandled';
      if (headers.tail) headers2['x-amz-log-result'] = logResult(logs.linesOf(name, since, outcome, target.fn.spec.memorySize));
      response.writeHead(200, headers2).end(answer.body);
    } finally {
      load.release(held);
    }
  };

  return {
    handle,
    /** Keeps a function's log line, for `LogType: Tail`. */
    recordLog: (name: string, line: string): void => logs.add(name, line),
    /** Asynchronous invocations accepted and not yet done (run, or recorded for their destination). */
    get pending(): number {
      return load.pending;
    },
    /** Payload bytes held now. */
    get heldBytes(): number {
      return load.held;
    },
    /**
     * The first step of stopping: new invocations are refused (429, so a caller retries
     * elsewhere); resolves true once every accepted asynchronous invocation is done, or false at `deadline`.
     */
    stopAccepting(deadline: number): Promise<boolean> {
      accepting = false;
      return load.settled(deadline);
    },
    /** Stops reporting: what the stopping containers fail is not a failure of the function. */
    close(): void {
      accepting = false;
      closed = true;
    },
  };
}

/** The function's name from a name, a full ARN or a partial ARN (`{account}:function:{name}`). */
export function functionNameOf(raw: string): string | undefined {
  const decoded = decodeSegment(raw);
  if (decoded === undefined) return undefined;
  const at = decoded.lastIndexOf('function:');
  const rest = at >= 0 ? decoded.slice(at + 'function:'.length) : decoded;
  const [name, qualifier] = rest.split(':');
  if (qualifier !== undefined && qualifier !== '$LATEST') return undefined;
  return name || undefined;
}
