/** The operations the engine adds to dynalite's (or answers in dynalite's place), and its background work. */
import { CONDITIONAL_WRITES, conditionalWrite } from './conditional-failure.js';
import type { Dynalite } from './dynalite.js';
import type { EngineGate } from './gate.js';
import type { AddedOperation } from './http.js';
import { timeToLive } from './ttl.js';
import { transactGetItems, transactWriteItems } from './transactions.js';

export interface AddedOperations {
  operations: ReadonlyMap<string, AddedOperation>;
  /** Starts the background work (TTL deletions). */
  start(): void;
  stop(): void;
}

export function addedOperations(dynalite: Dynalite, gate: EngineGate, options: { ttlIntervalMs: number }): AddedOperations {
  const ttl = timeToLive(dynalite, gate, options.ttlIntervalMs);
  const operations = new Map<string, AddedOperation>([
    ['TransactWriteItems', transactWriteItems(dynalite, gate)],
    ['TransactGetItems', transactGetItems(dynalite, gate)],
    ['UpdateTimeToLive', ttl.update],
    ['DescribeTimeToLive', ttl.describe],
    ...CONDITIONAL_WRITES.map((operation): [string, AddedOperation] => [operation, conditionalWrite(dynalite, gate, operation)]),
  ]);
  return { operations, start: ttl.start, stop: ttl.stop };
}
