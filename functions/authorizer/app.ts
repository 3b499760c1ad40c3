import type { Context } from 'aws-lambda';
import { allowPolicy, authorize, TOKEN_PARAMETER, UNAUTHORIZED, type AuthorizerEvent, type AuthorizerResult } from '../shared/auth.js';
import { readAuthConfig, type AuthConfig } from '../shared/config.js';
import { classifyFailure, createTokenVerifier, identityOf, type TokenVerifier } from '../shared/jwt.js';
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

/**
 * Builds the `$connect` JWT authorizer: the `Auth` parameter must be a token the issuer
 * signed, for one of the audiences, unexpired. Allow carries `principalId` = the token's
 * `sub` and a context of `sub`, `username` and `scope`. A bad token is refused with
 * `Unauthorized` (401); when the issuer's keys cannot be fetched the caller gets 500 (the
 * token was never judged). Neither the token nor its claims are logged, only the reason.
 */
export function createJwtAuthorizer(verify: TokenVerifier) {
  return async (event: AuthorizerEvent, context?: Partial<Context>): Promise<AuthorizerResult> => {
    startInvocationLogs(context, { connectionId: event?.requestContext?.connectionId });
    const token = event?.queryStringParameters?.[TOKEN_PARAMETER];
    if (typeof token !== 'string' || token === '') {
      logger.warn('connection refused', { reason: 'missing token' });
      throw new Error(UNAUTHORIZED);
    }
    let identity: ReturnType<typeof identityOf>;
    try {
      identity = identityOf(await verify(token));
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure === 'invalid') {
        logger.warn('connection refused', { reason: 'invalid token', errorMessage: (error as Error).message });
        throw new Error(UNAUTHORIZED);
      }
      logger.error('authorizer failed', { failure, error });
      throw new Error('Authorizer failure', { cause: error });
    }
    return allowPolicy(event, identity.sub, { authMethod: 'jwt', ...identity });
  };
}

/** The handler for the deployed mode (env `AUTH_MODE`). */
export function authorizerFor(config: AuthConfig) {
  return config.mode === 'jwt' ? createJwtAuthorizer(createTokenVerifier(config)) : createAuthorizer(() => config.token);
}

export const handler = authorizerFor(readAuthConfig());
