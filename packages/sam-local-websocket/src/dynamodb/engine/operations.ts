/** The operations the engine adds to dynalite's, and its background work (TTL deletions). */
import type { Dynalite } from './dynalite.js';
import type { EngineGate } from './gate.js';
import type { AddedOperation } from './http.js';

export interface AddedOperations {
  operations: ReadonlyMap<string, AddedOperation>;
  start(): void;
  stop(): void;
}

export function addedOperations(_dynalite: Dynalite, _gate: EngineGate, _options: { ttlIntervalMs: number }): AddedOperations {
  return { operations: new Map(), start: () => {}, stop: () => {} };
}
