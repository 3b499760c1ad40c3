/**
 * What the gateway reports after each Lambda it runs for a connection: a structured record
 * that the console line, the tests, the soak and the bench all read (never the line's text).
 */
export interface InvocationOutcome {
  /** `route` for a route's integration, `authorizer` for the `$connect` REQUEST authorizer. */
  kind: 'route' | 'authorizer';
  /** The function's logical id. */
  function: string;
  /** The route key (`$connect` for the authorizer). */
  route: string;
  connectionId: string;
  /** The invocation's request id; absent when the function was not run. */
  requestId?: string;
  /**
   * The HTTP status the answer stands for: a route's `statusCode` (200 without one, 500 when
   * it threw or timed out); for the authorizer 200 (Allow), 401, 403 (Deny) or 500.
   */
  status: number;
  /** False when API Gateway answered without running the function (no identity source: 401). */
  invoked: boolean;
  /** How long the function ran, in ms (0 when not run). */
  durationMs: number;
  /**
   * How long the function's container thread was busy (running JavaScript) during the
   * invocation, ms: its CPU time, measured inside the container. Absent when it did not run.
   */
  cpuMs?: number;
  /** What Lambda reported when the function threw or timed out, e.g. `Sandbox.Timedout`. */
  error?: { name: string; message: string };
  /**
   * Why the gateway refused an authorizer's answer (403: its policy; 500: a malformed answer), or
   * why a route's result came after API Gateway had answered (its integration timed out).
   */
  reason?: string;
  /** Work the handler left pending when it returned (frozen with its container, as on Lambda). */
  pending?: string[];
}

/** A line a function wrote, with its JSON record when it wrote one (the shared logger does). */
export interface FunctionLogEntry {
  function: string;
  line: string;
  record?: Record<string, unknown>;
}

/** Parses a function's log line into its JSON record, if it is one. */
export function functionLogEntry(functionName: string, line: string): FunctionLogEntry {
  if (line.startsWith('{')) {
    try {
      const record: unknown = JSON.parse(line);
      if (record && typeof record === 'object' && !Array.isArray(record)) return { function: functionName, line, record: record as Record<string, unknown> };
    } catch {
      // not JSON: kept as a plain line
    }
  }
  return { function: functionName, line };
}

/** The gateway's console line for an invocation: route (or `authorizer`), connection, status, time. */
export function invocationLine(outcome: InvocationOutcome): string {
  if (outcome.kind === 'authorizer') {
    if (!outcome.invoked) return `authorizer   ${outcome.connectionId}  ${outcome.status} (no identity source)`;
    const verdict = outcome.status === 200 ? 'Allow' : `${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`;
    return `authorizer   ${outcome.connectionId}  ${verdict}  ${outcome.durationMs} ms`;
  }
  const status = outcome.error ? `${outcome.error.name}: ${outcome.error.message}` : outcome.status;
  return `${outcome.route.padEnd(12)} ${outcome.connectionId}  ${status}  ${outcome.durationMs} ms`;
}
