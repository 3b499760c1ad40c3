import { FunctionNotRunningError } from '../errors.js';
import { CONNECT_FAILED_STATUS, ROUTE_KEYS } from './constants.js';
import type { GatewayEvent } from './events.js';
import type { InvocationOutcome } from './invocation-outcome.js';
import type { Outcome } from '../lambda/container-protocol.js';
import type { LocalFunctions } from '../lambda/functions.js';
import { MAX_QUEUED_INVOCATIONS, throttledOutcome } from '../lambda/queue-limits.js';
import type { RouteSpec } from '../template/template.js';

/** Runs a route's function and reports how it went. */
export type RouteInvoker = (route: RouteSpec, event: GatewayEvent) => Promise<Outcome>;

/**
 * The HTTP status a Lambda proxy answer stands for. A thrown error or timeout is a 500, but
 * on `$connect` a 502: what API Gateway answers the handshake with.
 */
export function statusOf(outcome: Outcome, routeKey?: string): number {
  if (!outcome.ok) return routeKey === ROUTE_KEYS.connect ? CONNECT_FAILED_STATUS : 500;
  const status = (outcome.result as { statusCode?: unknown } | null | undefined)?.statusCode;
  return typeof status === 'number' ? status : 200;
}

/** The `body` of a Lambda proxy answer, when it has a string one. */
export function bodyOf(outcome: Outcome): string | undefined {
  const body = outcome.ok ? (outcome.result as { body?: unknown } | null | undefined)?.body : undefined;
  return typeof body === 'string' ? body : undefined;
}

/** Runs routes' functions and reports each invocation's {@link InvocationOutcome}. */
export function routeInvoker(functions: LocalFunctions, report: (outcome: InvocationOutcome) => void): RouteInvoker {
  return async (route, event) => {
    const fn = functions.get(route.functionId);
    if (!fn) throw new FunctionNotRunningError(`route ${route.routeKey} names ${route.functionId}, which is not running`);
    // $disconnect removes a stored record: it must not wait behind, or be shed with, messages.
    const priority = route.routeKey === ROUTE_KEYS.disconnect;
    // A function that cannot keep up is throttled, as Lambda throttles one at its concurrency: the
    // queue stays bounded (the client gets API Gateway's error frame), and $disconnect is never refused.
    const outcome = !priority && fn.waiting >= MAX_QUEUED_INVOCATIONS ? throttledOutcome() : await fn.invoke(event, { priority });
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
    });
    return outcome;
  };
}

/** The frames API Gateway itself sends a client when a route cannot answer. */
export const gatewayFrame = (message: 'Forbidden' | 'Internal server error' | 'Too Many Requests', connectionId: string, requestId: string): string =>
  JSON.stringify({ message, connectionId, requestId });
