import type { Context } from 'aws-lambda';
import { authorize, UNAUTHORIZED, type AuthorizerEvent, type AuthorizerResult } from '../shared/auth.js';
import { readAuthToken } from '../shared/config.js';
import { logger, startInvocationLogs } from '../shared/logger.js';

/**
 * Builds the `$connect` REQUEST authorizer around a way to read the secret. Any caller
 * without the right `Auth` token is refused with `Unauthorized` (HTTP 401); an internal
 * failure is logged and refused too (HTTP 500), never let through. The token is never logged.
 */
export function createAuthorizer(secret: () => string) {
  return async (event: AuthorizerEvent, context?: Partial<Context>): Promise<AuthorizerResult> => {
    startInvocationLogs(context, { connectionId: event?.requestContext?.connectionId });
    let result: AuthorizerResult | undefined;
    try {
      result = authorize(event, secret());
    } catch (error) {
      logger.error('authorizer failed', { error });
      throw new Error('Authorizer failure', { cause: error });
    }
    if (!result) {
      logger.warn('connection refused', { reason: 'missing or wrong token' });
      throw new Error(UNAUTHORIZED);
    }
    return result;
  };
}

const token = readAuthToken();
export const handler = createAuthorizer(() => token);
