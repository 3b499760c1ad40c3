import { generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK } from 'jose';
import { ISSUER_PATHS, LOCAL_ISSUER } from './constants.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/** What a token is minted with; everything but `sub` has a sound default. Tests bend the rest. */
export interface MintOptions {
  sub: string;
  /** Lifetime in seconds (negative: already expired). Default 1 hour. */
  expiresInSeconds?: number;
  /** Seconds from now before which the token is not valid. Default 0 (valid now). */
  notBeforeInSeconds?: number;
  username?: string;
  /** Space separated scopes. */
  scope?: string;
  /** `access` (header `typ: at+jwt`, claim `token_use: access`) or `id` (`typ: JWT`, `token_use: id`). Default access. */
  tokenUse?: 'access' | 'id';
  /** Override the `iss` claim. */
  issuer?: string;
  /** Override the `aud` claim. */
  audience?: string;
  /** `foreign`: signed by a key the JWKS does not hold (same `kid`): a forgery. */
  signWith?: 'issuer' | 'foreign';
}

/** One HTTP request the issuer answered: the structured record tests count. */
export interface IssuerRequestEvent {
  /** The path below the issuer, e.g. `/.well-known/jwks.json`. */
  path: string;
  method: string;
  /** The HTTP status, or 0 when the issuer was paused and the connection was dropped. */
  status: number;
}

const LOOPBACK_ADDRESSES: ReadonlySet<string> = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * A small OIDC issuer served on the gateway's port: an RSA key pair generated for this run,
 * discovery and JWKS documents, and a minting endpoint answered only to this machine. It
 * signs with `jose`; nothing here verifies (that is the authorizer's aws-jwt-verify).
 */
export class LocalIssuer {
  /** `http://{origin}/local-issuer`: the `iss` of its tokens and the authorizer's `JWT_ISSUER`. */
  readonly url: string;
  readonly audience = LOCAL_ISSUER.audience;
  /** While paused, every request to the issuer is dropped, as if it could not be reached. */
  paused = false;

  private constructor(
    origin: string,
    private readonly keys: { privateKey: KeyObject; jwk: JWK },
    private readonly onRequest: (event: IssuerRequestEvent) => void,
  ) {
    this.url = `http://${origin}${LOCAL_ISSUER.path}`;
  }

  /** Generates this run's key pair. */
  static async start(origin: string, onRequest: (event: IssuerRequestEvent) => void = () => {}): Promise<LocalIssuer> {
    const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: LOCAL_ISSUER.modulusLength });
    const jwk = await exportJWK(publicKey);
    jwk.kid = await calculateJwkThumbprint(jwk);
    Object.assign(jwk, { alg: LOCAL_ISSUER.algorithm, use: 'sig' });
    return new LocalIssuer(origin, { privateKey, jwk }, onRequest);
  }

  private foreignKey?: Promise<KeyObject>;

  /** Signs a token. */
  async mint(options: MintOptions): Promise<string> {
    const tokenUse = options.tokenUse ?? 'access';
    const now = Math.floor(Date.now() / 1000);
    if (options.signWith === 'foreign') {
      this.foreignKey ??= generateRsaKeyPair('rsa', { modulusLength: LOCAL_ISSUER.modulusLength }).then((pair) => pair.privateKey);
    }
    const key = options.signWith === 'foreign' ? await this.foreignKey! : this.keys.privateKey;
    const claims: Record<string, unknown> = { token_use: tokenUse, client_id: this.audience };
    if (options.username) claims.username = options.username;
    if (options.scope) claims.scope = options.scope;
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: LOCAL_ISSUER.algorithm, kid: this.keys.jwk.kid, typ: tokenUse === 'access' ? 'at+jwt' : 'JWT' })
      .setIssuer(options.issuer ?? this.url)
      .setAudience(options.audience ?? this.audience)
      .setSubject(options.sub)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresInSeconds ?? LOCAL_ISSUER.defaultExpiresInSeconds));
    if (options.notBeforeInSeconds) jwt.setNotBefore(now + options.notBeforeInSeconds);
    return jwt.sign(key);
  }

  /** True when `pathname` is the issuer's. */
  owns(pathname: string): boolean {
    return pathname === LOCAL_ISSUER.path || pathname.startsWith(`${LOCAL_ISSUER.path}/`);
  }

  /** Answers one HTTP request to the issuer. */
  handle(request: IncomingMessage, response: ServerResponse, pathname: string): void {
    const path = pathname.slice(LOCAL_ISSUER.path.length);
    const method = request.method ?? 'GET';
    const answer = (status: number, body: unknown) => {
      this.onRequest({ path, method, status });
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    };
    if (this.paused) {
      this.onRequest({ path, method, status: 0 });
      request.socket.destroy();
      return;
    }
    if (method === 'GET' && path === ISSUER_PATHS.discovery) {
      answer(200, this.discovery());
      return;
    }
    if (method === 'GET' && path === ISSUER_PATHS.jwks) {
      answer(200, { keys: [this.keys.jwk] });
      return;
    }
    if (method === 'POST' && path === ISSUER_PATHS.mint) {
      // Only this machine's command line may mint: not another host, and not a web page
      // (browsers send Origin on every cross-site POST).
      if (!LOOPBACK_ADDRESSES.has(request.socket.remoteAddress ?? '') || request.headers.origin !== undefined) {
        request.resume();
        answer(403, { message: 'Forbidden' });
        return;
      }
      void readMintRequest(request).then(
        async (options) => answer(200, { access_token: await this.mint(options), token_type: 'Bearer' }),
        (error: Error) => answer(400, { message: error.message }),
      );
      return;
    }
    request.resume();
    answer(404, { message: 'Not Found' });
  }

  private discovery() {
    return {
      issuer: this.url,
      jwks_uri: `${this.url}${ISSUER_PATHS.jwks}`,
      token_endpoint: `${this.url}${ISSUER_PATHS.mint}`,
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [LOCAL_ISSUER.algorithm],
    };
  }
}

/** Reads `{"sub": "...", "expiresInSeconds": N, "scope": "...", "username": "...", "tokenUse": "access"|"id"}`. */
async function readMintRequest(request: IncomingMessage): Promise<MintOptions> {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > LOCAL_ISSUER.maxMintBodyBytes) throw new Error('request too large');
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error('the body must be JSON');
  }
  const text = (name: string) => {
    const value = parsed[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '' || value.length > 256) throw new Error(`${name} must be a short non-empty string`);
    return value;
  };
  const sub = text('sub');
  if (!sub) throw new Error('sub is required');
  const expiresInSeconds = parsed.expiresInSeconds ?? LOCAL_ISSUER.defaultExpiresInSeconds;
  if (!Number.isInteger(expiresInSeconds) || (expiresInSeconds as number) < 1 || (expiresInSeconds as number) > LOCAL_ISSUER.maxExpiresInSeconds) {
    throw new Error(`expiresInSeconds must be a whole number from 1 to ${LOCAL_ISSUER.maxExpiresInSeconds}`);
  }
  const tokenUse = parsed.tokenUse ?? 'access';
  if (tokenUse !== 'access' && tokenUse !== 'id') throw new Error('tokenUse must be access or id');
  return { sub, expiresInSeconds: expiresInSeconds as number, scope: text('scope'), username: text('username'), tokenUse };
}
