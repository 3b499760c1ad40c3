/**
 * What the twin adds to the store, through the front the functions reach (IAM enforced): the
 * unmodified SDK v3 client with a function's credentials, against the store's engine.
 */
import { expect } from 'chai';
import { DynamoDBClient, GetItemCommand, TransactGetItemsCommand, TransactWriteItemsCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbFront, type DynamoDbFront } from '../../../src/dynamodb/front.js';
import { engineStore } from '../../helpers/engine-store.js';
import { recordingIam } from '../../helpers/iam.js';
import { rejection } from '../../helpers/rejection.js';

const ITEMS = 'arn:aws:dynamodb:us-east-1:000000000000:table/items';
const policies = new Map([
  ['Writer', [{ effect: 'Allow' as const, actions: ['dynamodb:PutItem', 'dynamodb:GetItem'], resources: [ITEMS] }]],
  ['Checker', [{ effect: 'Allow' as const, actions: ['dynamodb:PutItem'], resources: [ITEMS] }]],
]);

describe('local/store through the IAM front', () => {
  let running: Awaited<ReturnType<typeof engineStore>>;
  let front: DynamoDbFront;
  const clients: DynamoDBClient[] = [];
  before(async () => {
    running = await engineStore();
  });
  after(() => running.close());
  beforeEach(async () => {
    const { iam } = recordingIam(policies);
    front = await startDynamoDbFront(iam, running.store.endpoint, '127.0.0.1');
    for (const name of ['Writer', 'Checker']) {
      clients.push(new DynamoDBClient({ endpoint: front.endpoint, region: 'us-east-1', credentials: iam.credentialsOf(name), maxAttempts: 1 }));
    }
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await front.close();
  });

  it('runs a transaction its policy allows, item action by item action', async () => {
    const [writer] = clients;
    await writer.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'items', Item: { id: { S: 'f' } } } }] }));
    const read = await writer.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'items', Key: { id: { S: 'f' } } } }] }));
    expect(read.Responses).to.deep.equal([{ Item: { id: { S: 'f' } } }]);
  });

  it('refuses a transaction holding an action its policy lacks, and TTL settings without the action', async () => {
    const [writer, checker] = clients;
    const refused = await rejection(
      checker.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'items', Item: { id: { S: 'g' } } } },
            { ConditionCheck: { TableName: 'items', Key: { id: { S: 'f' } }, ConditionExpression: 'attribute_exists(id)' } },
          ],
        }),
      ),
    );
    expect(refused.name).to.equal('AccessDeniedException');
    expect(refused.message).to.include('dynamodb:ConditionCheckItem');
    expect((await writer.send(new GetItemCommand({ TableName: 'items', Key: { id: { S: 'g' } } }))).Item).to.equal(undefined); // nothing of it ran
    const ttl = await rejection(
      checker.send(new UpdateTimeToLiveCommand({ TableName: 'items', TimeToLiveSpecification: { Enabled: true, AttributeName: 'e' } })),
    );
    expect(ttl.name).to.equal('AccessDeniedException');
  });
});
