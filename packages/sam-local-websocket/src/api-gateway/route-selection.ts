import { TemplateError } from '../errors.js';
import { ROUTE_KEYS } from './constants.js';

/**
 * Compiles a route selection expression such as `$request.body.action` into a function
 * that picks the route key of a frame, as API Gateway does: a frame that is not a JSON
 * object, whose key is missing or not a string, or that names no route, goes to `$default`
 * (or nowhere when there is no `$default`).
 */
export function routeSelector(expression: string, routeKeys: ReadonlySet<string>): (body: string) => string | undefined {
  const match = /^\$request\.body\.([A-Za-z0-9_.-]+)$/.exec(expression);
  if (!match) throw new TemplateError(`route selection expression "${expression}" is not supported locally (use $request.body.<path>)`);
  const path = match[1].split('.');
  const fallback = routeKeys.has(ROUTE_KEYS.default) ? ROUTE_KEYS.default : undefined;

  return (body) => {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return fallback;
    }
    for (const key of path) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return fallback;
      value = (value as Record<string, unknown>)[key];
    }
    // $connect and $disconnect cannot be chosen by a message.
    if (typeof value === 'string' && routeKeys.has(value) && !value.startsWith('$')) return value;
    return fallback;
  };
}
