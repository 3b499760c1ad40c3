import type { GatewayEvent } from './events.js';
import type { Outcome } from '../lambda/invoker.js';
import type { LocalFunctions } from '../lambda/functions.js';
import type { RouteSpec } from '../../tooling/sam/template.js';

/** Runs a route's function and logs one line for it: route, connection, status, time. */
export type RouteInvoker = (route: RouteSpec, event: GatewayEvent) => Promise<Outcome>;

/** The HTTP status a Lambda proxy answer stands for (a thrown error or timeout is a 500). */
export function statusOf(outcome: Outcome): number {
  if (!outcome.ok) return 500;
  const status = (outcome.result as { statusCode?: unknown } | null | undefined)?.statusCode;
  return typeof status === 'number' ? status : 200;
}

/** The `body` of a Lambda proxy answer, when it has a string one. */
export function bodyOf(outcome: Outcome): string | undefined {
  const body = outcome.ok ? (outcome.result as { body?: unknown } | null | undefined)?.body : undefined;
  return typeof body === 'string' ? body : undefined;
}

export function routeInvoker(functions: LocalFunctions, log: (line: string) => void): RouteInvoker {
  return async (route, event) => {
    const fn = functions.get(route.functionId);
    if (!fn) throw new Error(`route ${route.routeKey} names ${route.functionId}, which is not running`);
    const outcome = await fn.invoke(event);
    const status = outcome.ok ? statusOf(outcome) : `${outcome.error.name}: ${outcome.error.message}`;
    log(`${route.routeKey.padEnd(12)} ${event.requestContext.connectionId}  ${status}  ${outcome.ms} ms`);
    return outcome;
  };
}

/** The frames API Gateway itself sends a client when a route cannot answer. */
export const gatewayFrame = (message: 'Forbidden' | 'Internal server error', connectionId: string, requestId: string): string =>
  JSON.stringify({ message, connectionId, requestId });
