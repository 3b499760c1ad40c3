import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { TemplateError } from '../errors.js';
import { sleep } from '../shared/time.js';
import type { Server } from 'node:http';
import type { TableSpec } from '../template/template.js';
import { superviseEngine } from './engine-thread.js';

/** Options of the local DynamoDB-compatible store. */
export interface StoreOptions {
  /** Port to listen on; 0 picks a free one. Default {@link DEFAULT_STORE_PORT}. */
  port?: number;
  host?: string;
  /** Folder to persist the data in; in memory when unset. */
  path?: string;
  /** On close, the longest to wait for requests under way before closing the database. Default {@link DEFAULT_STORE_DRAIN_MS}. */
  drainTimeoutMs?: number;
  /** How often items whose TTL has passed are deleted. Default {@link DEFAULT_TTL_INTERVAL_MS}. */
  ttlIntervalMs?: number;
  /** Called when the engine's thread stopped unexpectedly and was started again (in memory: empty again). */
  onRestart?: (exitCode: number) => void;
}

/** How long closing the store waits for requests under way: 10 s. */
export const DEFAULT_STORE_DRAIN_MS = 10_000;

/** How often the store deletes expired items (TTL): every 10 s. AWS gives no schedule ("typically within two days"). */
export const DEFAULT_TTL_INTERVAL_MS = 10_000;

/** A running local store. */
export interface LocalStore {
  /** `http://host:port`, for `AWS_ENDPOINT_URL_DYNAMODB` or `--endpoint-url`. */
  endpoint: string;
  /** True while the store refuses connections. */
  readonly paused: boolean;
  /** Makes the store unreachable (connections refused), keeping its data. */
  pause(): Promise<void>;
  /** Makes it reachable again on the same port. */
  resume(): Promise<void>;
  /**
   * Stops the store: requests under way finish (bounded by `drainTimeoutMs`), a request that
   * arrives from now on is answered with an `InternalServerError` (never run against a closed
   * database), then the database closes. Safe to call twice.
   */
  close(): Promise<void>;
}

/** The store's port unless told otherwise: DynamoDB Local's. */
export const DEFAULT_STORE_PORT = 8000;

/** Credentials the local store accepts; it checks none. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * Starts the store's engine (dynalite and what the twin adds to it, in a thread of its own)
 * and creates the template's tables that are missing. Should the engine's thread ever stop,
 * it is started again on the same port, its tables created again.
 */
export async function startStore(tables: TableSpec[], options: StoreOptions = {}): Promise<LocalStore> {
  const { port = DEFAULT_STORE_PORT, host = '127.0.0.1', path, drainTimeoutMs = DEFAULT_STORE_DRAIN_MS } = options;
  const engineOptions = { port, host, path, ttlIntervalMs: options.ttlIntervalMs ?? DEFAULT_TTL_INTERVAL_MS };
  let endpoint = '';
  let paused = false;
  const supervised = await superviseEngine(
    engineOptions,
    async (thread) => {
      endpoint = `http://${host}:${thread.port}`;
      await createTables(endpoint, tables);
    },
    (code) => {
      paused = false;
      options.onRestart?.(code);
    },
  );
  return {
    endpoint,
    get paused() {
      return paused;
    },
    pause: async () => {
      if (paused) return;
      paused = true;
      await supervised.current.command('pause');
    },
    resume: async () => {
      if (!paused) return;
      await supervised.current.command('resume');
      paused = false;
    },
    close: once(async () => {
      supervised.stop();
      const engine = supervised.current;
      if (!engine.running) return;
      let timer: NodeJS.Timeout | undefined;
      const drainBound = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainTimeoutMs)));
      const drained = engine.command('refuse').then(() => engine.command('idle'));
      await Promise.race([drained, drainBound]);
      clearTimeout(timer);
      await engine.command('close');
      await engine.terminate();
    }),
  };
}

/** Creates the tables that are missing and waits until each is ACTIVE. */
async function createTables(endpoint: string, tables: TableSpec[]): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
  try {
    const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const table of tables.filter((spec) => !existing.has(spec.tableName))) {
      await client.send(
        new CreateTableCommand({
          TableName: table.tableName,
          KeySchema: table.keySchema,
          AttributeDefinitions: table.attributeDefinitions,
          BillingMode: 'PAY_PER_REQUEST',
          ...(table.globalSecondaryIndexes?.length ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes } : {}),
          ...(table.localSecondaryIndexes?.length ? { LocalSecondaryIndexes: table.localSecondaryIndexes } : {}),
        }),
      );
    }
    // A new table is ACTIVE a moment later (with a path, after a LevelDB write);
    // until then it answers ResourceNotFoundException, so wait before serving anything.
    for (const table of tables) await untilActive(client, table.tableName);
  } finally {
    client.destroy();
  }
}

/** Calls `work` once; later calls get the same promise. */
function once(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= work());
}

/** Closes an HTTP server, ending idle keep-alive sockets so it closes at once. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** Polls until the table is ACTIVE (at most 10 s). */
async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE') {
    if (Date.now() > deadline) throw new TemplateError(`table ${tableName} did not become ACTIVE in the local store`);
    await sleep(10);
  }
}
