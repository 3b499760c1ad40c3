import { createHash, timingSafeEqual } from 'node:crypto';

/** The REQUEST authorizer event API Gateway sends for `$connect`. */
export interface AuthorizerEvent {
  type: 'REQUEST';
  methodArn: string;
  queryStringParameters?: Record<string, string | undefined> | null;
  headers?: Record<string, string | undefined>;
  requestContext?: { connectionId?: string; routeKey?: string };
}

/** What an authorizer answers: an IAM policy, the principal, and context for the routes. */
export interface AuthorizerResult {
  principalId: string;
  policyDocument: {
    Version: '2012-10-17';
    Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string }[];
  };
  context: Record<string, string | number | boolean>;
}

/** The query string parameter that carries the token: `wss://.../dev?Auth=...`. */
export const TOKEN_PARAMETER = 'Auth';

/**
 * The message API Gateway turns into HTTP 401. Throwing an Error with exactly this
 * message is how a Lambda authorizer refuses a caller.
 */
export const UNAUTHORIZED = 'Unauthorized';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares two tokens in constant time: both are hashed first, so neither their contents
 * nor their lengths change how long the comparison takes.
 */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** A short, non-secret id of a token (first 8 hex digits of its SHA-256), for logs and principals. */
export const tokenId = (token: string): string => digest(token).toString('hex').slice(0, 8);

/**
 * Decides a `$connect` authorization: an Allow policy for the event's `methodArn` when the
 * `Auth` parameter matches `secret`, otherwise `undefined` (the caller is refused).
 */
export function authorize(event: AuthorizerEvent, secret: string, now: Date = new Date()): AuthorizerResult | undefined {
  const given = event.queryStringParameters?.[TOKEN_PARAMETER];
  if (typeof given !== 'string' || given === '' || !tokensMatch(given, secret)) return undefined;
  const id = tokenId(secret);
  return allowPolicy(event, `token-${id}`, { authMethod: 'shared-token', tokenId: id, authorizedAt: now.toISOString() });
}

/** An Allow policy for the event's `methodArn`, with the principal and context handed to the routes. */
export function allowPolicy(event: AuthorizerEvent, principalId: string, context: AuthorizerResult['context']): AuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    context,
  };
}
