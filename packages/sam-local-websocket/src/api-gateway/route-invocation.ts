import { FunctionNotRunningError } from '../errors.js';
import { CONNECT_FAILED_STATUS, ROUTE_KEYS } from './constants.js';
import type { GatewayEvent } from './events.js';
import type { InvocationOutcome } from './invocation-outcome.js';
import type { Outcome } from '../lambda/container-protocol.js';
import type { LocalFunctions } from '../lambda/functions.js';
import { MAX_QUEUED_INVOCATIONS, throttledOutcome } from '../lambda/queue-limits.js';
import type { RouteSpec } from '../template/template.js';

/**
 * How a route's integration ended for API Gateway: the function's outcome, or, when it had not
 * answered within the route's integration timeout, a failure that says so; the function runs on
 * to its own Timeout (`running`, which settles when it ends) and its answer is then dropped.
 */
export type RouteOutcome = Outcome | (Extract<Outcome, { ok: false }> & { integrationTimedOut: true; running: Promise<Outcome> });

/** Runs a route's function and reports how it went. */
export type RouteInvoker = (route: RouteSpec, event: GatewayEvent) => Promise<RouteOutcome>;

/** The error of an integration API Gateway stopped waiting for (its client frame's message). */
export const INTEGRATION_TIMEOUT_ERROR = { name: 'IntegrationTimeout', message: 'Endpoint request timed out' } as const;

/**
 * The HTTP status a Lambda proxy answer stands for. A thrown error or timeout is a 500, but
 * on `$connect` a 502: what API Gateway answers the handshake with.
 */
export function statusOf(outcome: RouteOutcome, routeKey?: string): number {
  if (!outcome.ok) return routeKey === ROUTE_KEYS.connect ? CONNECT_FAILED_STATUS : 500;
  const status = (outcome.result as { statusCode?: unknown } | null | undefined)?.statusCode;
  return typeof status === 'number' ? status : 200;
}

/** The `body` of a Lambda proxy answer, when it has a string one. */
export function bodyOf(outcome: Outcome): string | undefined {
  const body = outcome.ok ? (outcome.result as { body?: unknown } | null | undefined)?.body : undefined;
  return typeof body === 'string' ? body : undefined;
}

/**
 * Runs routes' functions and reports each invocation's {@link InvocationOutcome} when it ends.
 * API Gateway waits for an integration at most its `TimeoutInMillis` (29 s by default): past
 * that, the caller gets {@link INTEGRATION_TIMEOUT_ERROR} at once while the function runs on.
 */
export function routeInvoker(functions: LocalFunctions, report: (outcome: InvocationOutcome) => void): RouteInvoker {
  return async (route, event) => {
    const fn = functions.get(route.functionId);
    if (!fn) throw new FunctionNotRunningError(`route ${route.routeKey} names ${route.functionId}, which is not running`);
    const started = Date.now();
    let timedOut = false;
    // $disconnect removes a stored record: it must not wait behind, or be shed with, messages.
    const priority = route.routeKey === ROUTE_KEYS.disconnect;
    // A function that cannot keep up is throttled, as Lambda throttles one at its concurrency: the
    // queue stays bounded (the client gets API Gateway's error frame), and $disconnect is never refused.
    const invoked = !priority && fn.waiting >= MAX_QUEUED_INVOCATIONS ? Promise.resolve(throttledOutcome()) : fn.invoke(event, { priority });
    const running = invoked.then((outcome) => {
      report({
        kind: 'route',
        function: route.functionId,
        route: route.routeKey,
        connectionId: event.requestContext.connectionId,
        requestId: outcome.requestId,
        status: statusOf(outcome, route.routeKey),
        invoked: true,
        durationMs: outcome.ms,
        ...(outcome.cpuMs === undefined ? {} : { cpuMs: outcome.cpuMs }),
        ...(outcome.ok ? {} : { error: outcome.error }),
        ...(outcome.pending ? { pending: outcome.pending } : {}),
        ...(timedOut ? { reason: `the integration timed out after ${route.integrationTimeoutMs} ms: API Gateway had answered without this result` } : {}),
      });
      return outcome;
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<RouteOutcome>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve({ ok: false, error: { ...INTEGRATION_TIMEOUT_ERROR }, ms: Date.now() - started, requestId: '', integrationTimedOut: true, running });
      }, route.integrationTimeoutMs);
    });
    const outcome = await Promise.race([running, deadline]);
    clearTimeout(timer);
    return outcome;
  };
}

/** The frames API Gateway itself sends a client when a route cannot answer, byte for byte as AWS writes them. */
export const gatewayFrame = (
  message: 'Forbidden' | 'Internal server error' | 'Endpoint request timed out' | 'Too Many Requests',
  connectionId: string,
  requestId: string,
): string =>
  // Spacing as in the frames clients captured: a space after "message": only.
  `{"message": ${JSON.stringify(message)}, "connectionId":${JSON.stringify(connectionId)}, "requestId":${JSON.stringify(requestId)}}`;
