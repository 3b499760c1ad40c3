import { TemplateError } from '../errors.js';
import { ROUTE_KEYS } from './constants.js';

/**
 * Selection expressions as API Gateway's "WebSocket selection expressions" and "Create routes for
 * WebSocket APIs" pages define them: a variable starts with `$` (`$request.body.action`), braces mark
 * its bounds (`${request.body.version}-beta`), several variables and static text may mix and are
 * evaluated once (a value that looks like a variable is not evaluated again), `\$` is a literal
 * dollar (`\$default`), a path that is not found gives "", and the result is stringified (an array
 * `["a","b"]` reads `[a, b]`). For route selection AWS documents only `request.body` variables.
 *
 * Not documented by AWS, decided here: a JSON `null` reads "" (as not found); an object reads as its
 * JSON text; a path segment may be a key (`.key`) or an array index (`[0]`).
 */
type Part = { text: string } | { path: (string | number)[] };

/** Where an unbraced variable ends: the characters a dotted JSON path uses. */
const UNWRAPPED = /^\$request\.body((?:\.[A-Za-z0-9_-]+|\[\d+\])+)/;
const WRAPPED = /^\$\{request\.body((?:\.[A-Za-z0-9_$@ -]+|\[\d+\])+)\}/;

function pathOf(source: string): (string | number)[] {
  return [...source.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map((match) => (match[2] === undefined ? match[1] : Number(match[2])));
}

/** Splits an expression into static text and `request.body` variables; anything else is refused. */
export function parseSelectionExpression(expression: string, what = 'route selection expression'): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let at = 0; at < expression.length; ) {
    const rest = expression.slice(at);
    if (rest.startsWith('\\$')) {
      text += '$';
      at += 2;
      continue;
    }
    if (rest[0] !== '$') {
      text += rest[0];
      at += 1;
      continue;
    }
    const match = WRAPPED.exec(rest) ?? UNWRAPPED.exec(rest);
    if (!match) {
      throw new TemplateError(
        `${what} "${expression}": the variable at "${rest.slice(0, 40)}" is not one API Gateway evaluates for WebSocket messages ($request.body.<path> or \${request.body.<path>}; a literal $ is written \\$)`,
      );
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ path: pathOf(match[1]) });
    at += match[0].length;
  }
  if (text) parts.push({ text });
  return parts;
}

/** A value found in the message, stringified as API Gateway stringifies it. */
function stringified(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `[${value.map(stringified).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function lookUp(body: unknown, path: (string | number)[]): unknown {
  let value = body;
  for (const key of path) {
    if (!value || typeof value !== 'object') return undefined;
    if (typeof key === 'number' ? !Array.isArray(value) : Array.isArray(value)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/**
 * Compiles a route selection expression into a function that picks the route key of a frame, as
 * API Gateway does: the evaluated key names a route, else `$default` (or nowhere when there is no
 * `$default`). A frame that is not a JSON object goes to `$default` when the expression reads the
 * body; `$connect` and `$disconnect` are never chosen by a message.
 */
export function routeSelector(expression: string, routeKeys: ReadonlySet<string>): (body: string) => string | undefined {
  const parts = parseSelectionExpression(expression);
  const readsBody = parts.some((part) => 'path' in part);
  const fallback = routeKeys.has(ROUTE_KEYS.default) ? ROUTE_KEYS.default : undefined;
  const chosen = (key: string) => (routeKeys.has(key) && key !== ROUTE_KEYS.connect && key !== ROUTE_KEYS.disconnect ? key : fallback);

  return (body) => {
    let json: unknown;
    if (readsBody) {
      try {
        json = JSON.parse(body);
      } catch {
        return fallback;
      }
      if (!json || typeof json !== 'object' || Array.isArray(json)) return fallback;
    }
    try {
      // One pass: what a variable yields is never read as an expression again.
      return chosen(parts.map((part) => ('text' in part ? part.text : stringified(lookUp(json, part.path)))).join(''));
    } catch {
      // A value too deeply nested to write out (within the 128 KB a message may hold) names no route.
      return fallback;
    }
  };
}

/** The two API key selection expressions API Gateway supports for WebSocket APIs. */
export const API_KEY_SELECTION_EXPRESSIONS = ['$request.header.x-api-key', '$context.authorizer.usageIdentifierKey'] as const;

/**
 * Compiles an API key selection expression: the key a `$connect` request presents, from its
 * `x-api-key` header or the authorizer's `usageIdentifierKey`. Any other expression is refused,
 * as API Gateway supports only these two ("WebSocket selection expressions").
 */
export function apiKeySelector(
  expression: string,
): (request: { headers: Record<string, string | string[] | undefined>; authorizer?: Record<string, unknown> }) => string | undefined {
  if (expression === API_KEY_SELECTION_EXPRESSIONS[0]) {
    return ({ headers }) => {
      const value = headers['x-api-key'];
      return Array.isArray(value) ? value[0] : value;
    };
  }
  if (expression === API_KEY_SELECTION_EXPRESSIONS[1]) {
    return ({ authorizer }) => {
      const value = authorizer?.usageIdentifierKey;
      return value === undefined || value === null ? undefined : String(value);
    };
  }
  throw new TemplateError(`API key selection expression "${expression}" is not supported by API Gateway: use ${API_KEY_SELECTION_EXPRESSIONS.join(' or ')}`);
}
