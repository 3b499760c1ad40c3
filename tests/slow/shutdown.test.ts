/** Closing the gateway in order: every connection's $disconnect runs, the store closes last, nothing throws. */
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Swarm } from '../../scripts/load/swarm.js';
import { loadTemplate, LOCAL_CREDENTIALS, startStore, tablesOf } from 'sam-local-websocket';
import { eventually } from 'websocket-test-clients';
import { startLocalGateway } from '../helpers/gateway.js';
import { storedIdsAt } from '../helpers/stored.js';

describe('shutdown', function () {
  this.timeout(240_000);
  let dbPath: string;
  beforeEach(() => (dbPath = mkdtempSync(join(tmpdir(), 'shutdown-db-'))));
  afterEach(() => rmSync(dbPath, { recursive: true, force: true }));

  it('closing with 2,000 connections open and broadcasts running and queued: every $disconnect runs, every record is removed', async () => {
    const clients = 2000;
    const local = await startLocalGateway({ dbPath });
    const swarm = await Swarm.start();
    try {
      const opened = await swarm.open(local.gateway.url, clients, 200);
      expect(opened.failed).to.equal(0);
      expect(await local.storedIds()).to.have.length(clients);
      // Two broadcasts run (two containers) and two wait their turn.
      for (let seq = 0; seq < 4; seq++) swarm.send(seq, JSON.stringify({ action: 'broadcast', data: `m:${seq}` }));
      await eventually(async () => (await swarm.report()).messages.some((message) => message.delivered > 0), 60_000);

      await local.close();

      const disconnects = local.invocations.filter((outcome) => outcome.route === '$disconnect');
      expect(disconnects).to.have.length(clients);
      const failed = disconnects.filter((outcome) => outcome.status !== 200);
      expect(
        failed.length,
        JSON.stringify([failed.slice(0, 2), local.functionLogs.filter((entry) => entry.function === 'DisconnectFunction').slice(-2)]),
      ).to.equal(0);
      // Each broadcast ran to its own answer (on a slow machine, its own deadline: 500), or was
      // shed before it started; none was cut off while running.
      const broadcasts = local.invocations.filter((outcome) => outcome.route === 'broadcast');
      expect(broadcasts).to.have.length(4);
      const cut = broadcasts.filter((outcome) => outcome.error && !(outcome.error.name === 'Shutdown' && outcome.cpuMs === undefined));
      expect(cut).to.deep.equal([]);
      expect((await swarm.report()).open).to.equal(0);
    } finally {
      await swarm.stop();
      await local.close();
    }
    expect(await storedIdsAt(dbPath)).to.deep.equal([]);
  });

  it('the store answers calls that arrive while it closes with an error, and closes without throwing', async () => {
    const tables = tablesOf(loadTemplate('template.yaml').template);
    const store = await startStore(tables, { port: 0, path: dbPath });
    const dynamo = new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: store.endpoint, maxAttempts: 1 });
    try {
      const TableName = tables[0].tableName;
      const call = (i: number): Promise<unknown> =>
        i % 2
          ? dynamo.send(new PutItemCommand({ TableName, Item: { connectionId: { S: `c${i}` } } }))
          : dynamo.send(new DeleteItemCommand({ TableName, Key: { connectionId: { S: `c${i - 1}` } } }));
      // Calls under way when close begins, and calls sent after it began.
      const before = Array.from({ length: 300 }, (_, i) => call(i));
      await Promise.race(before);
      const closing = store.close();
      const after = Array.from({ length: 100 }, (_, i) => call(300 + i));
      const results = await Promise.allSettled([...before, ...after]);
      await closing;
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [(result.reason as Error).name] : []));
      // Refused by the closing store (InternalServerError) or by its closed port; never a crash.
      expect(
        failures.every((name) => ['InternalServerError', 'Error', 'TimeoutError'].includes(name)),
        failures.join(),
      ).to.equal(true);
      expect(results.some((result) => result.status === 'fulfilled')).to.equal(true);
      await store.close(); // twice is fine
    } finally {
      dynamo.destroy();
    }
  });
});
