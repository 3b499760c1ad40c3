/// <reference path="./dynalite-types.d.ts" />
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { TemplateError } from '../errors.js';
import { sleep } from '../shared/time.js';
import dynalite from 'dynalite';
import { Server as HttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TableSpec } from '../template/template.js';

/** Options of the local DynamoDB-compatible store. */
export interface StoreOptions {
  /** Port to listen on; 0 picks a free one. Default {@link DEFAULT_STORE_PORT}. */
  port?: number;
  host?: string;
  /** Folder to persist the data in; in memory when unset. */
  path?: string;
  /** On close, the longest to wait for requests under way before closing the database. Default {@link DEFAULT_STORE_DRAIN_MS}. */
  drainTimeoutMs?: number;
}

/** How long closing the store waits for requests under way: 10 s. */
export const DEFAULT_STORE_DRAIN_MS = 10_000;

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

/** Starts dynalite (in this process) and creates the template's tables that are missing. */
export async function startStore(tables: TableSpec[], options: StoreOptions = {}): Promise<LocalStore> {
  const { port = DEFAULT_STORE_PORT, host = '127.0.0.1', path, drainTimeoutMs = DEFAULT_STORE_DRAIN_MS } = options;
  // Tables become ACTIVE at once, as a local store should.
  const server: Server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const gate = requestGate(server);
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
          ...(table.globalSecondaryIndexes?.length ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes } : {}),
          ...(table.localSecondaryIndexes?.length ? { LocalSecondaryIndexes: table.localSecondaryIndexes } : {}),
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
    close: once(async () => {
      gate.refuse();
      server.closeIdleConnections();
      await gate.idle(drainTimeoutMs);
      if (paused) await listen(0); // dynalite closes its database only through a listening server
      await closeServer(server);
    }),
  };
}

/** Calls `work` once; later calls get the same promise. */
function once(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= work());
}

/** The answer to a request that reaches the store after it began closing, as DynamoDB shapes errors. */
const CLOSED_ANSWER = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'The local store is stopping' });

/**
 * Puts itself between the HTTP server and dynalite's handler: counts the requests under way
 * (until dynalite answers them, even if their client has gone, or until their client goes
 * before the body ended) and, once told to refuse,
 * answers new ones itself so that nothing reaches a database that is closing or closed.
 */
function requestGate(server: Server) {
  const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  let refusing = false;
  let underWay = 0;
  let onIdle: (() => void) | undefined;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (refusing) {
      request.resume();
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', connection: 'close' }).end(CLOSED_ANSWER);
      return;
    }
    underWay++;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    let ended = false;
    const done = () => {
      if (ended) return;
      ended = true;
      if (--underWay === 0) onIdle?.();
    };
    response.end = ((...args: unknown[]) => {
      done();
      return end(...args);
    }) as ServerResponse['end'];
    const ownErrorListeners = request.listeners('error');
    for (const handler of handlers) handler(request, response);
    // dynalite throws a request's stream error out of the process: one client gone before its
    // body ended ('aborted') would stop the whole gateway. Such a request never reaches the
    // database (dynalite runs it on 'end'), so it counts as done instead.
    for (const listener of request.listeners('error')) {
      if (!ownErrorListeners.includes(listener)) request.off('error', listener as (error: Error) => void);
    }
    request.on('error', done);
  });
  return {
    refuse: () => {
      refusing = true;
    },
    /** Resolves when no request is under way, or after `timeoutMs`. */
    idle: (timeoutMs: number) =>
      new Promise<void>((resolve) => {
        if (underWay === 0) return resolve();
        const timer = setTimeout(resolve, timeoutMs);
        onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
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
