import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache, type JwksCache } from 'aws-jwt-verify/jwk';
import { FetchError, JwksValidationError, JwtBaseError, JwtInvalidClaimError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { isLoopbackHttp } from './issuer-url.js';

/** How the JWT authorizer is set up (env `JWT_*`, see config.ts). */
export interface JwtSettings {
  /** The issuer URL: a Cognito user pool's (`https://cognito-idp.{region}.amazonaws.com/{poolId}`) or any OIDC issuer's. */
  issuer: string;
  /** Accepted audiences: app client ids (Cognito: `client_id` of access tokens, `aud` of id tokens). */
  audience: string[];
  /** A scope the token must carry, if any. */
  requiredScope?: string;
  /** `access` (default): only access tokens; `any`: id tokens too. */
  tokenUse: 'access' | 'any';
}

/** The claims a verified token hands to the routes (API Gateway context values are strings). */
export interface Identity {
  sub: string;
  username?: string;
  scope?: string;
}

/** The token is not an access token where one is required. */
export class NotAnAccessTokenError extends JwtInvalidClaimError {
  override name = 'NotAnAccessTokenError' as const;
}

/** The token names no user (`sub`). */
export class MissingSubjectError extends JwtInvalidClaimError {
  override name = 'MissingSubjectError' as const;
}

/** `https://cognito-idp.{region}.amazonaws.com/{userPoolId}` */
const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([a-z0-9-]+_[A-Za-z0-9]+)$/;

/** The Cognito user pool id of an issuer URL, or undefined for any other issuer. */
export const cognitoUserPoolId = (issuer: string): string | undefined => COGNITO_ISSUER.exec(issuer)?.[1];

/**
 * RFC 9068: a JWT access token's header says `typ: at+jwt`. A generic OIDC issuer's id token
 * carries no such mark, so this is what "an access token is required" means for one; Cognito's
 * tokens say it in their `token_use` claim instead, which its verifier checks.
 */
export function requireAccessToken({ header, payload }: { header: JwtHeader; payload: JwtPayload }): void {
  const typ = String(header.typ ?? '').toLowerCase();
  if (typ === 'at+jwt' || typ === 'application/at+jwt' || payload.token_use === 'access') return;
  throw new NotAnAccessTokenError('an access token is required (header typ at+jwt, RFC 9068)', header.typ, 'at+jwt');
}

/**
 * Fetches the JWKS of an `http://` loopback issuer (aws-jwt-verify's own fetcher speaks
 * HTTPS only). Errors are aws-jwt-verify's fetch errors, so they are told apart the same way.
 */
export class LoopbackFetcher implements Fetcher {
  async fetch(uri: string): Promise<ArrayBuffer> {
    if (!isLoopbackHttp(uri)) throw new NonRetryableFetchError(uri, 'only loopback http:// is fetched here');
    let response: Response;
    try {
      response = await fetch(uri, { signal: AbortSignal.timeout(3000), redirect: 'error' });
    } catch (error) {
      throw new FetchError(uri, (error as Error).message);
    }
    if (response.status !== 200) throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    return response.arrayBuffer();
  }
}

/** Verifies a token and returns its claims; throws aws-jwt-verify's errors. */
export type TokenVerifier = (token: string) => Promise<JwtPayload>;

/**
 * Builds the verifier once per container: aws-jwt-verify caches the issuer's JWKS inside it,
 * so keys are fetched on first use and again only for an unknown `kid`. A Cognito issuer gets
 * `CognitoJwtVerifier` (it checks `token_use` and `client_id`, as Cognito access tokens carry no
 * `aud`); any other issuer gets `JwtVerifier` (`aud` against the audience list). `jwksCache`
 * replaces the library's own (tests preload one).
 */
export function createTokenVerifier(settings: JwtSettings, jwksCache?: JwksCache): TokenVerifier {
  const scope = settings.requiredScope;
  const withSubject =
    (verify: TokenVerifier): TokenVerifier =>
    async (token) =>
      requireSubject(await verify(token));
  const userPoolId = cognitoUserPoolId(settings.issuer);
  if (userPoolId) {
    const verifier = CognitoJwtVerifier.create(
      {
        userPoolId,
        clientId: settings.audience,
        tokenUse: settings.tokenUse === 'access' ? 'access' : null,
        ...(scope ? { scope } : {}),
      },
      jwksCache && { jwksCache },
    );
    return withSubject((token) => verifier.verify(token));
  }
  const cache = jwksCache ?? (isLoopbackHttp(settings.issuer) ? new SimpleJwksCache({ fetcher: new LoopbackFetcher() }) : undefined);
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      audience: settings.audience,
      ...(scope ? { scope } : {}),
      ...(settings.tokenUse === 'access' ? { customJwtCheck: requireAccessToken } : {}),
    },
    cache && { jwksCache: cache },
  );
  return withSubject((token) => verifier.verify(token));
}

/** Every connection must carry a user: a token without a `sub` is refused. */
function requireSubject(payload: JwtPayload): JwtPayload {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new MissingSubjectError('the token has no sub', payload.sub, 'a subject');
  return payload;
}

/**
 * What a verification failure means for the caller: `unreachable` when the issuer's keys
 * could not be fetched or were not a JWKS (HTTP 500: the token was never judged), `invalid`
 * for anything about the token itself (HTTP 401), `internal` for anything else (500).
 */
export function classifyFailure(error: unknown): 'invalid' | 'unreachable' | 'internal' {
  if (error instanceof FetchError || error instanceof JwksValidationError) return 'unreachable';
  if (error instanceof JwtBaseError) return 'invalid';
  return 'internal';
}

/** The few claims passed to the routes. */
export function identityOf(payload: JwtPayload): Identity {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const username = text(payload.username) ?? text(payload['cognito:username']) ?? text(payload.preferred_username) ?? text(payload.email);
  const scope = text(payload.scope);
  return { sub: String(payload.sub), ...(username ? { username } : {}), ...(scope ? { scope } : {}) };
}
