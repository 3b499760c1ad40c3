import { DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { ConnectionStore, expiryFor } from '../../../functions/shared/connections.js';

describe('ConnectionStore', () => {
  let dynamo: AwsClientStub<DynamoDBClient>;
  before(() => (dynamo = mockClient(DynamoDBClient)));
  after(() => dynamo.restore());
  const store = new ConnectionStore('connections-test');
  afterEach(() => dynamo.reset());

  it('writes the record with its TTL attribute', async () => {
    dynamo.on(PutItemCommand).resolves({});
    await store.save({ connectionId: 'a=', connectedAt: 1_000_000, expiresAt: expiryFor(1_000_000) });
    const input = dynamo.commandCalls(PutItemCommand)[0].args[0].input;
    expect(input.TableName).to.equal('connections-test');
    expect(input.Item).to.deep.equal({
      connectionId: { S: 'a=' },
      connectedAt: { N: '1000000' },
      expiresAt: { N: String(1000 + 7200 + 300) },
    });
  });

  it('deletes by key', async () => {
    dynamo.on(DeleteItemCommand).resolves({});
    await store.remove('a=');
    expect(dynamo.commandCalls(DeleteItemCommand)[0].args[0].input).to.deep.equal({
      TableName: 'connections-test',
      Key: { connectionId: { S: 'a=' } },
    });
  });

  it('reads every page of the table, projecting only the key', async () => {
    const pages = [
      { Items: [{ connectionId: { S: '1' } }, { connectionId: { S: '2' } }], LastEvaluatedKey: { connectionId: { S: '2' } } },
      { Items: [{ connectionId: { S: '3' } }], LastEvaluatedKey: { connectionId: { S: '3' } } },
      { Items: [] },
    ];
    // The paginator reuses one input object, so each call's input is copied when it is made.
    const inputs: Record<string, unknown>[] = [];
    dynamo.on(ScanCommand).callsFake((input) => {
      inputs.push({ ...input });
      return pages[inputs.length - 1];
    });
    const ids: string[] = [];
    for await (const id of store.connectionIds()) ids.push(id);
    expect(ids).to.deep.equal(['1', '2', '3']);
    expect(inputs).to.have.length(3);
    expect(inputs.map((input) => input.ProjectionExpression)).to.deep.equal(['connectionId', 'connectionId', 'connectionId']);
    expect(inputs.map((input) => input.Limit)).to.deep.equal([500, 500, 500]);
    expect(inputs.map((input) => input.ExclusiveStartKey)).to.deep.equal([undefined, { connectionId: { S: '2' } }, { connectionId: { S: '3' } }]);
  });

  it('asks for the next page while the current one is consumed', async () => {
    let calls = 0;
    dynamo.on(ScanCommand).callsFake(() => {
      calls++;
      return calls === 1
        ? { Items: [{ connectionId: { S: '1' } }, { connectionId: { S: '2' } }], LastEvaluatedKey: { connectionId: { S: '2' } } }
        : { Items: [{ connectionId: { S: '3' } }] };
    });
    const ids = store.connectionIds();
    expect((await ids.next()).value).to.equal('1');
    expect(calls).to.equal(2); // page 2 is on its way before page 1 is used up
    const rest: string[] = [];
    for await (const id of ids) rest.push(id);
    expect(rest).to.deep.equal(['2', '3']);
  });

  it('does not leave a failed prefetch unhandled when the consumer stops early', async () => {
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ connectionId: { S: '1' } }], LastEvaluatedKey: { connectionId: { S: '1' } } })
      .rejectsOnce(new Error('throttled'));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for await (const id of store.connectionIds()) {
        expect(id).to.equal('1');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('expires a record after the longest a connection can live, plus a margin', () => {
    expect(expiryFor(1_764_403_200_123)).to.equal(1_764_403_200 + 2 * 3600 + 300);
  });
});
