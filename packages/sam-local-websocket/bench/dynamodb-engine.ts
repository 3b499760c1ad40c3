/**
 * What moving the DynamoDB engine off the main thread costs per request: `npm run
 * bench:dynamodb -w sam-local-websocket -- [--requests N] [--concurrency C] [--runs R]`. Two
 * engines in turn: dynalite's own server in this process (what the store was before issue #32)
 * and the store as it is (dynalite as a library in a worker thread). For each, the unmodified
 * SDK v3 client sends N requests (PutItem and GetItem alternating, C in flight) after a
 * warm-up; printed per run and as the median: wall time per request, and this (main) thread's
 * busy time per request (event-loop utilisation: the client's work, plus the engine's when it
 * runs here). Then, for the store as it is, issue #32's hostile Scan (a FilterExpression of
 * 20 nested parentheses): how long its answer takes, and this thread's longest event-loop delay
 * meanwhile (dynalite's own parser took tens of seconds on it, on this thread; not re-run).
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, startStore } from '../src/dynamodb/store.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
  },
});
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const TABLE = {
  logicalId: 'T',
  tableName: 'bench',
  keySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
  attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
};

/** dynalite's own server in this process, as the store ran it before. */
async function inProcess(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const dynalite = createRequire(import.meta.url)('dynalite') as (options: object) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE.tableName,
      KeySchema: TABLE.keySchema,
      AttributeDefinitions: TABLE.attributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  client.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50)); // dynalite marks the table ACTIVE a moment later
  return { endpoint, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function inWorker(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const store = await startStore([TABLE], { port: 0 });
  return { endpoint: store.endpoint, close: () => store.close() };
}

/** Sends `count` requests, `concurrency` at a time. */
async function send(client: DynamoDBClient, count: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      const id = { S: `item-${index % 100}` };
      if (index % 2 === 0) await client.send(new PutItemCommand({ TableName: TABLE.tableName, Item: { id, n: { N: String(index) } } }));
      else await client.send(new GetItemCommand({ TableName: TABLE.tableName, Key: { id } }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

for (const [name, start] of [
  ['in-process (before)', inProcess],
  ['worker thread (now)', inWorker],
] as const) {
  const engine = await start();
  const client = new DynamoDBClient({ endpoint: engine.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  await send(client, Number(values.warmup));
  const walls: number[] = [];
  const busy: number[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const elu = performance.eventLoopUtilization();
    const started = performance.now();
    await send(client, requests);
    const wall = performance.now() - started;
    const used = performance.eventLoopUtilization(elu);
    walls.push((wall * 1000) / requests);
    busy.push((used.active * 1000) / requests);
  }
  client.destroy();
  await engine.close();
  const fmt = (numbers: number[]) => `median ${median(numbers).toFixed(0)} µs (runs ${numbers.map((n) => n.toFixed(0)).join(', ')})`;
  console.log(JSON.stringify({ engine: name, requests, concurrency, wallPerRequest: fmt(walls), mainThreadBusyPerRequest: fmt(busy) }));
}

{
  const store = await inWorker();
  const client = new DynamoDBClient({ endpoint: store.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const hostile = new ScanCommand({
    TableName: TABLE.tableName,
    FilterExpression: `${'('.repeat(20)}id = :v${')'.repeat(20)}`,
    ExpressionAttributeValues: { ':v': { S: 'x' } },
  });
  const answers: number[] = [];
  const delays: number[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const started = performance.now();
    const error = await client.send(hostile).then(
      () => undefined,
      (failure: Error) => failure.name,
    );
    answers.push(performance.now() - started);
    delay.disable();
    delays.push(delay.max / 1e6);
    if (error !== 'ValidationException') throw new Error(`expected a ValidationException, got ${error}`);
  }
  client.destroy();
  await store.close();
  const ms = (numbers: number[]) => `median ${median(numbers).toFixed(1)} ms (runs ${numbers.map((n) => n.toFixed(1)).join(', ')})`;
  console.log(JSON.stringify({ hostile: '20 nested parentheses (ValidationException)', answer: ms(answers), mainThreadLongestDelay: ms(delays) }));
}
