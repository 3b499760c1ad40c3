/**
 * dynalite 4.0.0 used as a library: its database, its request validations and its actions,
 * loaded in the engine's thread after its parsers were made linear (./packrat.ts). The HTTP
 * handling around them is the engine's own (./http.ts), so that no throw of dynalite's
 * reaches the process and the operations dynalite lacks can be added.
 */
import { createRequire } from 'node:module';
import { installMemoizedParsers } from './packrat.js';

/** A dynalite error answer: HTTP status and DynamoDB's JSON body. */
export interface EngineError extends Error {
  statusCode?: number;
  body?: Record<string, unknown>;
}
export type Done = (error: EngineError | null, result?: Record<string, unknown>) => void;
/** An attribute-value map as DynamoDB's JSON writes it. */
export type AttributeMap = Record<string, Record<string, unknown>>;
/** A request after dynalite's validation (with its parsed `_condition`, `_updates`, …). */
// biome-ignore lint/suspicious/noExplicitAny: dynalite's validated request, read field by field as its actions do
export type Validated = Record<string, any>;

interface ItemDb {
  get(key: string, done: (error: Error | null, item?: AttributeMap) => void): void;
  createValueStream(options?: object): NodeJS.ReadableStream;
}
/** dynalite's store (`db.create`). */
export interface DynaliteStore {
  options: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: dynalite's table description, as it stores it
  getTable(name: string, checkStatus: boolean, done: (error: EngineError | null, table?: any) => void): void;
  getItemDb(name: string): ItemDb;
  tableDb: { createValueStream(options?: object): NodeJS.ReadableStream };
  db: {
    put(key: string, value: unknown, done: (error?: Error | null) => void): void;
    get(key: string, done: (error: Error | null, value?: unknown) => void): void;
  };
  lifecycleManager: { gracefulClose(done: (error?: Error | null) => void): void; forceClose(done: (error?: Error | null) => void): void };
}
type Action = (store: DynaliteStore, data: Validated, done: Done) => void;
interface ActionValidation {
  types: Record<string, unknown>;
  custom?: unknown;
}

/** The operations dynalite implements (its own list). */
export const DYNALITE_OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;

/** dynalite, loaded: `validate` runs an operation's validations, `run` its action. */
export interface Dynalite {
  store: DynaliteStore;
  // biome-ignore lint/suspicious/noExplicitAny: dynalite's db helpers (createKey, checkConditional, …)
  db: Record<string, any>;
  /** The validated request, or throws dynalite's error answer. */
  validate(operation: string, request: Record<string, unknown>): Validated;
  run(operation: string, data: Validated): Promise<Record<string, unknown>>;
}

const lowerFirst = (name: string) => name[0].toLowerCase() + name.slice(1);

/** Loads dynalite in this thread and opens its database (in memory, or in `path`). */
export function loadDynalite(options: { path?: string }): Dynalite {
  installMemoizedParsers();
  const require = createRequire(import.meta.url);
  const db = require('dynalite/db');
  const validations = require('dynalite/validations');
  const actions = new Map<string, Action>();
  const checks = new Map<string, ActionValidation>();
  for (const operation of DYNALITE_OPERATIONS) {
    actions.set(operation, require(`dynalite/actions/${lowerFirst(operation)}`));
    checks.set(operation, require(`dynalite/validations/${lowerFirst(operation)}`));
  }
  // Tables become ACTIVE at once, as a local store should.
  const store: DynaliteStore = db.create({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  return {
    store,
    db,
    validate(operation, request) {
      const check = checks.get(operation)!;
      const data = validations.checkTypes(request, check.types);
      validations.checkValidations(data, check.types, check.custom, store);
      return data;
    },
    run: (operation, data) =>
      new Promise((resolve, reject) => {
        actions.get(operation)!(store, data, (error, result) => (error ? reject(error) : resolve(result ?? {})));
      }),
  };
}
