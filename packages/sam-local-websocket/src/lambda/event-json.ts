/**
 * How an event crosses into a container: as JSON text, which the container parses, the way
 * Lambda hands its runtime the event (as JSON, parsed by the runtime). A structured clone
 * (`postMessage` of the object) would throw for a deep structure (V8 recurses: ~5,000 levels)
 * and copy what JSON drops (`undefined`, Maps); JSON text of any depth crosses, and
 * `JSON.parse` in the container does not recurse.
 */
import type { Failure } from './container.js';

/** What an event that cannot be written as JSON (too deep to stringify, circular, a BigInt) fails with. */
export const UNSERIALIZABLE_EVENT = 'InvalidRequestContentException';

/**
 * The event's JSON text: `json` as given when the event arrived as JSON text (the Invoke API,
 * never written again), else the event written as JSON. A {@link Failure} when it cannot be
 * written; never throws.
 */
export function eventJson(event: unknown, json?: string): string | Failure {
  if (json !== undefined) return json;
  try {
    return JSON.stringify(event) ?? 'null';
  } catch (error) {
    return { name: UNSERIALIZABLE_EVENT, message: `The event cannot be passed to the function as JSON: ${(error as Error).message}` };
  }
}
