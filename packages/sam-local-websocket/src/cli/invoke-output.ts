/**
 * What `npm run invoke` promises its callers (scripts, tests): the result line's prefix and
 * the exit codes. Kept apart from the command so reading them runs nothing.
 */
import type { Outcome } from '../lambda/container-protocol.js';

/** The process's exit code for each way an invoke ends. */
export const EXIT = {
  /** The handler returned (whatever its statusCode). */
  ok: 0,
  /** The handler threw or timed out (RESULT holds errorType and errorMessage), or its bundle did not build. */
  functionError: 1,
  /** A bad flag, event file or template, or a function the template does not have (the list is printed). */
  usage: 2,
  /** No local gateway (or its DynamoDB) answered where the flags point. */
  gatewayNotRunning: 3,
} as const;

/** The prefix of the one stdout line that carries the result. */
export const RESULT_PREFIX = 'RESULT ';

/**
 * The result line: the handler's return value as JSON (`null` for none), or what Lambda's
 * Invoke API answers for an unhandled error, `{"errorType","errorMessage"}`.
 */
export function resultLine(outcome: Outcome): string {
  const result = outcome.ok ? (outcome.result ?? null) : { errorType: outcome.error.name, errorMessage: outcome.error.message };
  return `${RESULT_PREFIX}${JSON.stringify(result)}`;
}
