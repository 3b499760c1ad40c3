/** Errors raised by the shared modules. Each has a stable `name` and keeps its `cause`. */

/** A required environment variable is missing or invalid. Raised at cold start. */
export class ConfigError extends Error {
  override name = 'ConfigError' as const;
}

/** The event lacks what API Gateway always sends (e.g. `requestContext.connectionId`). */
export class BadEventError extends Error {
  override name = 'BadEventError' as const;
}

/**
 * A message route failed unexpectedly. Thrown (not returned) so that API Gateway tells the
 * caller with its `Internal server error` frame instead of staying silent; the cause is logged.
 */
export class RouteError extends Error {
  override name = 'RouteError' as const;
}
