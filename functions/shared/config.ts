import { DEFAULTS } from './constants.js';
import { ConfigError } from './errors.js';
import { isLoopbackHttp } from './issuer-url.js';
import type { JwtSettings } from './jwt.js';

/** What the handlers read from their environment, read in this one place. */
export interface Config {
  /** DynamoDB table holding one item per open connection (env `TABLE_NAME`, required). */
  tableName: string;
  /** Overrides the `@connections` endpoint derived from the event (env `MANAGEMENT_API_ENDPOINT`). */
  managementEndpoint?: string;
  /** AWS region, used to derive the `@connections` endpoint (env `AWS_REGION`, set by Lambda). */
  region?: string;
  /** Posts in flight at once during a broadcast (env `BROADCAST_CONCURRENCY`). */
  broadcastConcurrency: number;
  /**
   * Broadcasts name their sender (env `BROADCAST_INCLUDE_SENDER=true`): recipients get
   * `{"from": <sub or null>, "data": ...}`. Default false: the data exactly as sent.
   */
  broadcastIncludesSender: boolean;
  /**
   * The fan-out worker function a broadcast hands big tables to (env `FAN_OUT_WORKER_FUNCTION`).
   * Unset: the broadcast always posts itself.
   */
  fanOutWorkerFunction?: string;
  /** Connections from which a broadcast uses workers (env `FAN_OUT_THRESHOLD`). */
  fanOutThreshold: number;
  /** Most workers one broadcast starts (env `FAN_OUT_WORKERS`). */
  fanOutWorkers: number;
}

/**
 * Reads and checks the configuration. Throws a {@link ConfigError} naming the variable
 * when one is missing or invalid, so a misconfigured function fails at cold start.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const tableName = env.TABLE_NAME?.trim();
  if (!tableName) throw new ConfigError('TABLE_NAME is not set: it must name the connections table');
  return {
    tableName,
    managementEndpoint: env.MANAGEMENT_API_ENDPOINT?.trim() || undefined,
    region: env.AWS_REGION?.trim() || undefined,
    broadcastConcurrency: positiveInteger(env, 'BROADCAST_CONCURRENCY', DEFAULTS.broadcastConcurrency),
    broadcastIncludesSender: oneOf(env, 'BROADCAST_INCLUDE_SENDER', ['false', 'true'] as const, 'false') === 'true',
    fanOutWorkerFunction: env.FAN_OUT_WORKER_FUNCTION?.trim() || undefined,
    fanOutThreshold: positiveInteger(env, 'FAN_OUT_THRESHOLD', DEFAULTS.fanOutThreshold),
    fanOutWorkers: positiveInteger(env, 'FAN_OUT_WORKERS', DEFAULTS.fanOutWorkers),
  };
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be a whole number of at least 1, got "${raw}"`);
  }
  return value;
}

/**
 * Reads the authorizer's shared secret (env `AUTH_TOKEN`). Throws a {@link ConfigError}
 * when it is missing, so a misconfigured authorizer fails instead of letting anyone in.
 */
export function readAuthToken(env: NodeJS.ProcessEnv = process.env): string {
  const token = env.AUTH_TOKEN;
  if (!token) throw new ConfigError('AUTH_TOKEN is not set: the authorizer has no secret to compare with');
  return token;
}

/** How `$connect` is guarded: one shared secret, or each user's JWT. */
export type AuthConfig = { mode: 'token'; token: string } | ({ mode: 'jwt' } & JwtSettings);

/**
 * Reads the authorizer's settings: `AUTH_MODE` (`token`, the default, or `jwt`); for `token`
 * the shared secret `AUTH_TOKEN`; for `jwt` `JWT_ISSUER`, `JWT_AUDIENCE` (comma list),
 * `JWT_REQUIRED_SCOPE` (optional) and `JWT_TOKEN_USE` (`access`, the default, or `any`).
 * Throws a {@link ConfigError} when one is missing or invalid, so the authorizer fails
 * instead of letting anyone in.
 */
export function readAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const mode = oneOf(env, 'AUTH_MODE', ['token', 'jwt'] as const, 'token');
  if (mode === 'token') return { mode, token: readAuthToken(env) };
  const issuer = env.JWT_ISSUER?.trim() ?? '';
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(`JWT_ISSUER must be the issuer's URL, got "${issuer}"`);
  }
  // Keys over plain http could be swapped on the way: only the local gateway's own issuer may use it.
  if (url.protocol !== 'https:' && !isLoopbackHttp(issuer)) throw new ConfigError('JWT_ISSUER must be an https:// URL');
  const audience = (env.JWT_AUDIENCE ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  if (audience.length === 0) throw new ConfigError('JWT_AUDIENCE is not set: it must list the accepted client ids');
  const tokenUse = oneOf(env, 'JWT_TOKEN_USE', ['access', 'any'] as const, 'access');
  return { mode, issuer, audience, requiredScope: env.JWT_REQUIRED_SCOPE?.trim() || undefined, tokenUse };
}
