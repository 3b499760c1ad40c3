/**
 * Request targets as a client sent them, parsed without throwing: a malformed target
 * (`//[`, `http://x:99999/`, a bad percent-escape) is the client's error, answered with
 * a 4xx, never an exception out of a server's event handler.
 */

/**
 * Parses an origin-form request target (`/path?query`) against a fixed origin, so a
 * target such as `//a:99999/x` stays a path. `undefined` for anything else.
 */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  if (!target?.startsWith('/')) return undefined;
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    return undefined;
  }
}

/** Decodes one percent-encoded path segment; `undefined` when the encoding is malformed. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
