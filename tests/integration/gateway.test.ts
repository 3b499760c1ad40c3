import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { connect, eventually, type TestClient } from 'websocket-test-clients';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

/** Resolves with the error an SDK call rejected with. */
const _failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error) => error as Error & { $metadata: { httpStatusCode?: number } },
  );

describe('connections in the table, through the local gateway', function () {
  this.timeout(30_000);
  let local: LocalGateway;
  const clients: TestClient[] = [];
  const open = async () => {
    const client = await connect(local.gateway.url, { 'User-Agent': 'gateway-test/1.0' });
    clients.push(client);
    return client;
  };

  before(async () => {
    local = await startLocalGateway();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  after(async () => {
    await local.close();
  });

  describe('connections in DynamoDB', () => {
    it('stores a connection with its expiry on $connect', async () => {
      const client = await open();
      const { Item } = await local.dynamo.send(new GetItemCommand({ TableName: local.tableName, Key: { connectionId: { S: connectionIdOf(local, client) } } }));
      const connectedAt = Number(Item!.connectedAt.N);
      expect(Math.abs(connectedAt - Date.now())).to.be.below(10_000);
      expect(Number(Item!.expiresAt.N)).to.equal(Math.floor(connectedAt / 1000) + 7200 + 300);
    });

    it('removes the record when the client disconnects', async () => {
      const client = await open();
      const id = connectionIdOf(local, client);
      expect(await local.stored(id)).to.equal(true);
      await client.close();
      await eventually(async () => !(await local.stored(id)));
    });

    it('removes a stale record on the next broadcast and still delivers to the rest', async () => {
      await local.dynamo.send(
        new PutItemCommand({
          TableName: local.tableName,
          Item: { connectionId: { S: 'c3RhbGVDb25uSWQ=' }, connectedAt: { N: '1' }, expiresAt: { N: '9999999999' } },
        }),
      );
      const [a, b] = [await open(), await open()];
      a.socket.send(JSON.stringify({ action: 'broadcast', data: 'hello' }));
      expect(await b.next()).to.equal('hello');
      expect(await a.next()).to.equal('hello');
      await eventually(async () => !(await local.stored('c3RhbGVDb25uSWQ=')));
      // The summary is logged after the posts, and reaches the gateway from the function's thread.
      await eventually(() => local.records('broadcast complete').some((record) => record.staleRemoved === 1));
    });
  });
});
