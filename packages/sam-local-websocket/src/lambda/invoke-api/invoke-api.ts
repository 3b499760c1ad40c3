import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../../shared/read-body.js';
import { decodeSegment } from '../../shared/request-url.js';
import type { LocalFunction } from '../invoker.js';
import type { Outcome } from '../container-protocol.js';
import { runAsync, type AsyncFailure, type AsyncSettings } from './async-invocations.js';
import { INVOCATION_TYPES, INVOKE_ERRORS, INVOKE_LIMITS, INVOKE_PATH } from './constants.js';

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
}

/** What the Invoke API serves and whom it tells. */
export interface InvokeApiOptions {
  /** Every function of the template by name (logical id). */
  targets: Map<string, InvokeTarget>;
  /** `arn:{partition}:lambda:{region}:{account}:function:`, for error messages. */
  arnPrefix: string;
  /** After each invocation it ran (every attempt of an asynchronous one). */
  onInvoke: (outcome: InvokeApiOutcome) => void;
  /** An asynchronous invocation failed every attempt: its destination record. */
  onAsyncFailure: (failure: AsyncFailure) => void;
  /**
   * The caller's IAM check (the local IAM's `lambda:InvokeFunction`), given the read body:
   * undefined lets the call through. None: every call is served.
   */
  authorize?: (request: IncomingMessage, body: Buffer, functionArn: string) => Promise<{ type: string; status: number; message: string } | undefined>;
}

type InvokeError = { type: string; status: number };

/**
 * Lambda's `Invoke` API for the template's functions, on the gateway's port (the SDK's
 * `LambdaClient` finds it through `AWS_ENDPOINT_URL_LAMBDA`). `RequestResponse` answers 200
 * with the handler's result, or with `X-Amz-Function-Error: Unhandled` and Lambda's error
 * object when it threw or timed out; `Event` answers 202 at once and runs the invocation on
 * the same containers as API Gateway's, retried per `EventInvokeConfig` and reported to its
 * on-failure destination; `DryRun` answers 204. An unknown function is a 404
 * `ResourceNotFoundException`. `handle` answers requests on the Invoke path and returns
 * false for any other, which it leaves alone.
 */
export function invokeApi(options: InvokeApiOptions) {
  const pending = new Set<Promise<void>>();
  let closed = false;

  const run = async (
    target: InvokeTarget,
    name: string,
    invocationType: InvokeApiOutcome['invocationType'],
    payload: unknown,
    startBy?: number,
  ): Promise<Outcome> => {
    const outcome = await target.fn.invoke(payload, { startBy });
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
    const match = INVOKE_PATH.exec(pathname);
    if (!match) return false;
    void serve(request, response, match[1], search).catch((error: Error) => {
      if (!response.headersSent) refuse(response, { type: 'ServiceException', status: 500 }, error.message);
      else response.destroy();
    });
    return true;
  };

  const serve = async (request: IncomingMessage, response: ServerResponse, rawName: string, search: URLSearchParams): Promise<void> => {
    const name = functionNameOf(rawName);
    const qualifier = search.get('Qualifier');
    const target = name !== undefined && (qualifier === null || qualifier === '$LATEST') ? options.targets.get(name) : undefined;
    if (request.method !== 'POST') return refuse(response, INVOKE_ERRORS.notFound, `Unknown operation ${request.method} ${rawName}`, request);
    if (!target) {
      const shown = rawName.startsWith('arn:') ? decodeSegment(rawName) : `${options.arnPrefix}${decodeSegment(rawName)}`;
      return refuse(response, INVOKE_ERRORS.notFound, `Function not found: ${shown}${qualifier ? `:${qualifier}` : ''}`, request);
    }
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? INVOCATION_TYPES.requestResponse);
    if (!Object.values(INVOCATION_TYPES).includes(invocationType as never)) {
      return refuse(
        response,
        INVOKE_ERRORS.invalidParameter,
        `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
        request,
      );
    }
    const limit = invocationType === INVOCATION_TYPES.event ? INVOKE_LIMITS.maxAsyncPayloadBytes : INVOKE_LIMITS.maxSyncPayloadBytes;
    const body = await readBody(request, limit);
    if (body === 'too large') {
      return refuse(response, INVOKE_ERRORS.tooLarge, `Request must be smaller than ${limit} bytes for the ${invocationType} invocation type`);
    }
    const refusal = await options.authorize?.(request, body, target.arn);
    if (refusal) return refuse(response, refusal, refusal.message);
    let payload: unknown = {};
    if (body.length > 0) {
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        return refuse(response, INVOKE_ERRORS.invalidContent, 'Could not parse request body into json: the payload is not valid JSON');
      }
    }
    if (invocationType === INVOCATION_TYPES.dryRun) {
      response.writeHead(204).end();
      return;
    }
    if (invocationType === INVOCATION_TYPES.event) {
      response.writeHead(202, { 'content-length': '0' }).end();
      const work = runAsync(
        (startBy) => run(target, name!, 'Event', payload, startBy),
        { function: name!, functionArn: target.arn, payload, settings: target.async },
        (failure) => {
          if (!closed) options.onAsyncFailure(failure);
        },
      );
      pending.add(work);
      void work.finally(() => pending.delete(work));
      return;
    }
    const outcome = await run(target, name!, 'RequestResponse', payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': outcome.requestId };
    if (outcome.ok) {
      response.writeHead(200, headers).end(JSON.stringify(outcome.result ?? null));
    } else {
      headers['x-amz-function-error'] = 'Unhandled';
      response.writeHead(200, headers).end(JSON.stringify({ errorType: outcome.error.name, errorMessage: outcome.error.message, trace: [] }));
    }
  };

  return {
    handle,
    /** Asynchronous invocations still running. */
    get pending(): number {
      return pending.size;
    },
    /** Stops reporting: what the stopping containers fail is not a failure of the function. */
    close(): void {
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

/** Answers as Lambda's REST-JSON API does: the error's type in `x-amzn-ErrorType` and the body. */
function refuse(response: ServerResponse, error: InvokeError, message: string, request?: IncomingMessage): void {
  request?.resume();
  response.writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.type });
  response.end(JSON.stringify({ Type: 'User', message }));
}
