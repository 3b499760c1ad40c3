import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { TemplateError } from '../../tooling/errors.js';
import { sleep } from '../../tooling/time.js';
import dynalite from 'dynalite';
import { Server as HttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TableSpec } from '../../tooling/sam/template.js';

/** Options of the local DynamoDB-compatible store. */
export interface StoreOptions {
  /** Port to listen on; 0 picks a free one. Default {@link DEFAULT_STORE_PORT}. */
  port?: number;
  host?: string;
  /** Folder to persist the data in; in memory when unset. */
  path?: string;
}

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
  close(): Promise<void>;
}

/** The store's port unless told otherwise: DynamoDB Local's. */
export const DEFAULT_STORE_PORT = 8000;

/** Credentials the local store accepts; it checks none. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Starts dynalite (in this process) and creates the template's tables that are missing. */
export async function startStore(tables: TableSpec[], options: StoreOptions = {}): Promise<LocalStore> {
  const { port = DEFAULT_STORE_PORT, host = '127.0.0.1', path } = options;
  // Tables become ACTIVE at once, as a local store should.
  const server: Server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;
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
        }),
      );
    }
    // dynalite marks a new table ACTIVE a moment later (with a path, after a LevelDB write);
    // until then it answers ResourceNotFoundException, so wait before serving anything.
    for (const table of tables) await untilActive(client, table.tableName);
  } finally {
    client.destroy();
  }
  const address = server.address() as AddressInfo;
  let paused = false;
  // http.Server's own listen, bypassing dynalite's wrapper.
  const listen = (listenPort: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      (HttpServer.prototype.listen as (...args: unknown[]) => unknown).call(server, listenPort, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  return {
    endpoint,
    get paused() {
      return paused;
    },
    // dynalite's own close() also closes its database; these only stop and restart listening.
    pause: async () => {
      if (paused) return;
      paused = true;
      await new Promise<void>((resolve) => {
        HttpServer.prototype.close.call(server, () => resolve());
        server.closeAllConnections();
      });
    },
    resume: async () => {
      if (!paused) return;
      await listen(address.port);
      paused = false;
    },
    close: async () => {
      if (paused) await listen(0); // dynalite closes its database only through a listening server
      await closeServer(server);
    },
  };
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
