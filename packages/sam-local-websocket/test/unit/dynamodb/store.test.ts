import { expect } from 'chai';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { closeServer, DEFAULT_STORE_PORT, LOCAL_CREDENTIALS, startStore, type LocalStore } from '../../../src/dynamodb/store.js';
import type { TableSpec } from '../../../src/template/template.js';
import { serveOnFreePort } from 'websocket-test-clients';
import { rejection } from '../../helpers/rejection.js';

const TABLES: TableSpec[] = [
  {
    logicalId: 'Connections',
    tableName: 'connections',
    keySchema: [{ AttributeName: 'connectionId', KeyType: 'HASH' }],
    attributeDefinitions: [{ AttributeName: 'connectionId', AttributeType: 'S' }],
  },
  {
    logicalId: 'Rooms',
    tableName: 'rooms',
    keySchema: [
      { AttributeName: 'room', KeyType: 'HASH' },
      { AttributeName: 'member', KeyType: 'RANGE' },
    ],
    attributeDefinitions: [
      { AttributeName: 'room', AttributeType: 'S' },
      { AttributeName: 'member', AttributeType: 'S' },
    ],
  },
];
const item = { connectionId: { S: 'abc=' } };

/**
 * Sends the head of a PutItem and holds its body back: a request under way until `finish`.
 * Resolves once the server has taken it (its `100 Continue`, sent as the request is handed on).
 */
async function requestUnderWay(endpoint: string) {
  const url = new URL(endpoint);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  const body = JSON.stringify({ TableName: 'connections', Item: item });
  socket.write(
    `POST / HTTP/1.1\r\nHost: ${url.host}\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Type: application/x-amz-json-1.0\r\n` +
      `Authorization: AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc\r\n` +
      `X-Amz-Date: 20260101T000000Z\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
  );
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk));
  await new Promise((resolve) => socket.once('data', resolve));
  answer = answer.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
  const ended = new Promise<string>((resolve) => socket.once('close', () => resolve(answer)));
  socket.on('error', () => {});
  return { finish: () => socket.write(body.slice(5)), abort: () => socket.destroy(), answer: ended };
}

describe('local/store/dynalite', () => {
  let store: LocalStore | undefined;
  let client: DynamoDBClient;
  const clientOf = (endpoint: string) => new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  afterEach(async () => {
    client?.destroy();
    await store?.close();
    store = undefined;
  });

  it('defaults to DynamoDB Local’s port, and names the credentials it takes (it checks none)', () => {
    expect(DEFAULT_STORE_PORT).to.equal(8000);
    expect(LOCAL_CREDENTIALS).to.include({ accessKeyId: 'local', secretAccessKey: 'local' }); // the SDK marks the object it was given
  });

  it('creates the template’s tables ACTIVE, with their keys, before it resolves', async () => {
    store = await startStore(TABLES, { port: 0 });
    expect(store.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    client = clientOf(store.endpoint);
    expect((await client.send(new ListTablesCommand({}))).TableNames).to.deep.equal(['connections', 'rooms']);
    const rooms = (await client.send(new DescribeTableCommand({ TableName: 'rooms' }))).Table!;
    expect(rooms.TableStatus).to.equal('ACTIVE');
    expect(rooms.KeySchema).to.deep.equal(TABLES[1].keySchema);
    expect(rooms.BillingModeSummary?.BillingMode).to.equal('PAY_PER_REQUEST');
  });

  it('keeps the tables and their items in a folder across restarts, creating only what is missing', async () => {
    const path = mkdtempSync(join(tmpdir(), 'dynalite-test-'));
    try {
      store = await startStore(TABLES.slice(0, 1), { port: 0, path });
      client = clientOf(store.endpoint);
      await client.send(new PutItemCommand({ TableName: 'connections', Item: item }));
      client.destroy();
      await store.close();
      store = await startStore(TABLES, { port: 0, path });
      client = clientOf(store.endpoint);
      expect((await client.send(new GetItemCommand({ TableName: 'connections', Key: item }))).Item).to.deep.equal(item);
      expect((await client.send(new ListTablesCommand({}))).TableNames).to.deep.equal(['connections', 'rooms']);
    } finally {
      client.destroy();
      await store?.close();
      store = undefined;
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('fails to start on a port in use, with the listen error', async () => {
    const taken = await serveOnFreePort(() => {});
    try {
      const error = await rejection(startStore(TABLES, { port: taken.port }));
      expect(error).to.have.property('code', 'EADDRINUSE');
    } finally {
      await taken.close();
    }
  });

  it('refuses connections while paused and serves again, data kept, on the same endpoint once resumed', async () => {
    store = await startStore(TABLES, { port: 0 });
    client = clientOf(store.endpoint);
    await client.send(new PutItemCommand({ TableName: 'connections', Item: item }));
    await store.pause();
    await store.pause(); // a second pause changes nothing
    expect(store.paused).to.equal(true);
    const fresh = clientOf(store.endpoint); // the first client's kept-alive connection was cut: a reset, not a refusal
    const refused = await rejection(fresh.send(new ListTablesCommand({})));
    fresh.destroy();
    expect(refused).to.have.property('code', 'ECONNREFUSED');
    await store.resume();
    await store.resume();
    expect(store.paused).to.equal(false);
    expect((await client.send(new GetItemCommand({ TableName: 'connections', Key: item }))).Item).to.deep.equal(item);
  });

  it('closes while paused', async () => {
    store = await startStore(TABLES, { port: 0 });
    await store.pause();
    await store.close();
  });

  it('on close, lets a request under way finish and answers any new one with an InternalServerError', async () => {
    store = await startStore(TABLES, { port: 0 });
    client = clientOf(store.endpoint);
    const underWay = await requestUnderWay(store.endpoint);
    let closed = false;
    const closing = store.close().then(() => (closed = true));
    const late = await rejection(client.send(new ListTablesCommand({})));
    expect(late).to.include({ name: 'InternalServerError', message: 'The local store is stopping' });
    expect(closed).to.equal(false);
    underWay.finish();
    await closing;
    expect(await underWay.answer).to.match(/^HTTP\/1\.1 200 /);
    expect(store.close()).to.equal(store.close()); // closing again is the same close
  });

  it('on close, waits for a request under way at most drainTimeoutMs', async () => {
    store = await startStore(TABLES, { port: 0, drainTimeoutMs: 5000 });
    const underWay = await requestUnderWay(store.endpoint);
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let closed = false;
      const closing = store.close().then(() => (closed = true));
      await clock.tickAsync(4999);
      expect(closed).to.equal(false);
      await clock.tickAsync(1);
      clock.restore();
      await closing;
      expect(closed).to.equal(true);
    } finally {
      clock.restore();
      underWay.abort();
    }
  });

  it('takes a client gone before its body ended in its stride: others are served, and close does not wait for it', async function () {
    this.timeout(3000); // the drain would wait 10 s for a request counted as still under way
    store = await startStore(TABLES, { port: 0 });
    const gone = await requestUnderWay(store.endpoint);
    gone.abort();
    await gone.answer;
    client = clientOf(store.endpoint);
    expect((await client.send(new ListTablesCommand({}))).TableNames).to.have.length(2);
    await store.close();
  });

  describe('closeServer', () => {
    it('closes at once, ending kept-alive connections', async () => {
      const server = await serveOnFreePort((_request, response) => response.end('ok'));
      const answer = await fetch(server.origin); // undici keeps the connection alive
      await answer.text();
      await closeServer(server.server);
      expect(server.server.listening).to.equal(false);
    });

    it('rejects for a server that is not listening', async () => {
      const error = await rejection(closeServer(createServer()));
      expect(error).to.have.property('code', 'ERR_SERVER_NOT_RUNNING');
    });
  });
});
