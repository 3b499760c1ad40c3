/**
 * Issue #30 item 10: ReturnValuesOnConditionCheckFailure, TransactWriteItems, TransactGetItems
 * and TTL, through the store's real HTTP endpoint with the unmodified SDK v3 client.
 */
import { expect } from 'chai';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { engineStore } from '../../helpers/engine-store.js';
import { rejection } from '../../helpers/rejection.js';

describe('local/store: operations the twin adds to dynalite', () => {
  let running: Awaited<ReturnType<typeof engineStore>>;
  beforeEach(async () => {
    running = await engineStore({ ttlIntervalMs: 50 });
  });
  afterEach(() => running.close());
  const send = (command: object) => running.send(command);
  const get = async (id: string) => (await running.client.send(new GetItemCommand({ TableName: 'items', Key: { id: { S: id } }, ConsistentRead: true }))).Item;
  const exists = { ConditionExpression: 'attribute_not_exists(id)' };

  describe('ReturnValuesOnConditionCheckFailure', () => {
    beforeEach(() => send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, v: { N: '1' } } })));

    it('ALL_OLD: a failed condition answers ConditionalCheckFailedException with the item as it was (Put, Update, Delete)', async () => {
      const attempts = [
        new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' } }, ...exists, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        new UpdateItemCommand({
          TableName: 'items',
          Key: { id: { S: 'a' } },
          UpdateExpression: 'SET v = :two',
          ConditionExpression: 'v = :two',
          ExpressionAttributeValues: { ':two': { N: '2' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        new DeleteItemCommand({
          TableName: 'items',
          Key: { id: { S: 'a' } },
          ConditionExpression: 'attribute_not_exists(v)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ];
      for (const attempt of attempts) {
        const failed = await rejection(send(attempt));
        expect(failed).to.be.instanceOf(ConditionalCheckFailedException);
        expect(failed.message).to.equal('The conditional request failed');
        expect((failed as ConditionalCheckFailedException).Item).to.deep.equal({ id: { S: 'a' }, v: { N: '1' } });
      }
      expect(await get('a')).to.deep.equal({ id: { S: 'a' }, v: { N: '1' } });
    });

    it('NONE or absent: no Item; an unknown value is a ValidationException', async () => {
      for (const mode of ['NONE', undefined] as const) {
        const failed = await rejection(
          send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' } }, ...exists, ReturnValuesOnConditionCheckFailure: mode })),
        );
        expect(failed).to.be.instanceOf(ConditionalCheckFailedException);
        expect((failed as ConditionalCheckFailedException).Item).to.equal(undefined);
      }
      const refused = await rejection(
        send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' } }, ReturnValuesOnConditionCheckFailure: 'ALL_NEW' as never })),
      );
      expect(refused.name).to.equal('ValidationException');
    });

    it('ALL_OLD on a write whose condition holds writes as usual', async () => {
      await send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'b' } }, ...exists, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
      expect(await get('b')).to.deep.equal({ id: { S: 'b' } });
    });
  });

  describe('TransactWriteItems', () => {
    beforeEach(() => send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'kept' }, v: { N: '1' } } })));

    it('applies every action when every condition holds', async () => {
      await send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'items', Item: { id: { S: 'new' } }, ...exists } },
            { Update: { TableName: 'items', Key: { id: { S: 'kept' } }, UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
            { Put: { TableName: 'rooms', Item: { room: { S: 'r' }, member: { S: 'm' } } } },
            { ConditionCheck: { TableName: 'items', Key: { id: { S: 'absent' } }, ConditionExpression: 'attribute_not_exists(id)' } },
          ],
        }),
      );
      expect(await get('new')).to.deep.equal({ id: { S: 'new' } });
      expect(await get('kept')).to.deep.equal({ id: { S: 'kept' }, v: { N: '2' } });
      expect(await get('absent')).to.equal(undefined); // a ConditionCheck writes nothing
    });

    it('applies nothing when a condition fails, with a reason per action (Item with ALL_OLD)', async () => {
      const failed = (await rejection(
        send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: 'items', Item: { id: { S: 'never' } } } },
              {
                Delete: {
                  TableName: 'items',
                  Key: { id: { S: 'kept' } },
                  ConditionExpression: 'v = :two',
                  ExpressionAttributeValues: { ':two': { N: '2' } },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
            ],
          }),
        ),
      )) as TransactionCanceledException;
      expect(failed).to.be.instanceOf(TransactionCanceledException);
      expect(failed.message).to.equal('Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]');
      expect(failed.CancellationReasons).to.deep.equal([
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { id: { S: 'kept' }, v: { N: '1' } } },
      ]);
      expect(await get('never')).to.equal(undefined);
      expect(await get('kept')).to.deep.equal({ id: { S: 'kept' }, v: { N: '1' } });
    });

    it('undoes the writes made when a later one cannot apply (an update that does not fit the item)', async () => {
      await send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 's' }, v: { S: 'text' } } }));
      const failed = (await rejection(
        send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: 'items', Item: { id: { S: 'kept' }, v: { N: '100' } } } },
              { Update: { TableName: 'items', Key: { id: { S: 's' } }, UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
            ],
          }),
        ),
      )) as TransactionCanceledException;
      expect(failed.CancellationReasons?.map((reason) => reason.Code)).to.deep.equal(['None', 'ValidationError']);
      expect(await get('kept')).to.deep.equal({ id: { S: 'kept' }, v: { N: '1' } });
    });

    it('honours ClientRequestToken: a repeat changes nothing; the token with other actions is refused', async () => {
      const add = (ClientRequestToken: string, by: string) =>
        new TransactWriteItemsCommand({
          ClientRequestToken,
          TransactItems: [
            { Update: { TableName: 'items', Key: { id: { S: 'kept' } }, UpdateExpression: 'ADD v :by', ExpressionAttributeValues: { ':by': { N: by } } } },
          ],
        });
      await send(add('token-1', '1'));
      await send(add('token-1', '1')); // a retry of the same call
      expect(await get('kept')).to.deep.equal({ id: { S: 'kept' }, v: { N: '2' } });
      const mismatch = await rejection(send(add('token-1', '5')));
      expect(mismatch.name).to.equal('IdempotentParameterMismatchException');
      await send(add('token-2', '1'));
      expect(await get('kept')).to.deep.equal({ id: { S: 'kept' }, v: { N: '3' } });
    });

    it('refuses two actions on one item, more than 100 actions, an unknown table, and an entry with two actions', async () => {
      const twice = await rejection(
        send(
          new TransactWriteItemsCommand({
            TransactItems: [{ Put: { TableName: 'items', Item: { id: { S: 'x' } } } }, { Delete: { TableName: 'items', Key: { id: { S: 'x' } } } }],
          }),
        ),
      );
      expect(twice).to.include({ name: 'ValidationException', message: 'Transaction request cannot include multiple operations on one item' });
      const many = Array.from({ length: 101 }, (_unused, index) => ({ Put: { TableName: 'items', Item: { id: { S: `m${index}` } } } }));
      expect((await rejection(send(new TransactWriteItemsCommand({ TransactItems: many })))).name).to.equal('ValidationException');
      const unknown = await rejection(send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'nope', Item: { id: { S: 'x' } } } }] })));
      expect(unknown.name).to.equal('ResourceNotFoundException');
      const both = await rejection(
        send(
          new TransactWriteItemsCommand({
            TransactItems: [{ Put: { TableName: 'items', Item: { id: { S: 'x' } } }, Delete: { TableName: 'items', Key: { id: { S: 'y' } } } }],
          }),
        ),
      );
      expect(both.name).to.equal('ValidationException');
      expect(await get('m0')).to.equal(undefined);
    });
  });

  describe('TransactGetItems', () => {
    it('answers each item in order, {} for one that is missing, with projections', async () => {
      await send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'a' }, v: { N: '1' }, w: { S: 'w' } } }));
      const answer = await send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName: 'items', Key: { id: { S: 'a' } }, ProjectionExpression: 'v' } },
            { Get: { TableName: 'items', Key: { id: { S: 'missing' } } } },
          ],
        }),
      );
      expect(answer.Responses).to.deep.equal([{ Item: { v: { N: '1' } } }, {}]);
    });
  });

  describe('Time to Live', () => {
    const enable = (Enabled: boolean) =>
      send(new UpdateTimeToLiveCommand({ TableName: 'items', TimeToLiveSpecification: { Enabled, AttributeName: 'expires' } }));
    const describeTtl = async () => (await send(new DescribeTimeToLiveCommand({ TableName: 'items' }))).TimeToLiveDescription;

    it('is enabled and described as DynamoDB does; enabling twice is refused', async () => {
      expect(await describeTtl()).to.deep.equal({ TimeToLiveStatus: 'DISABLED' });
      expect((await enable(true)).TimeToLiveSpecification).to.deep.equal({ Enabled: true, AttributeName: 'expires' });
      expect(await describeTtl()).to.deep.equal({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });
      expect(await rejection(enable(true))).to.include({ name: 'ValidationException', message: 'TimeToLive is already enabled' });
      await enable(false);
      expect(await describeTtl()).to.deep.equal({ TimeToLiveStatus: 'DISABLED' });
      expect((await rejection(send(new DescribeTimeToLiveCommand({ TableName: 'nope' })))).name).to.equal('ResourceNotFoundException');
    });

    it('deletes items whose TTL passed on its next sweep; never a future, non-Number or absent one', async () => {
      const past = String(Math.floor(Date.now() / 1000) - 60);
      const future = String(Math.floor(Date.now() / 1000) + 3600);
      await send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'old' }, expires: { N: past } } }));
      await send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'young' }, expires: { N: future } } }));
      await send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'text' }, expires: { S: past } } }));
      await send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'none' } } }));
      expect(await get('old')).to.not.equal(undefined); // expired, not yet deleted: still read, as on AWS
      await enable(true);
      while (await get('old')) await new Promise((resolve) => setTimeout(resolve, 20)); // the sweep runs every 50 ms here
      const left = (await send(new ScanCommand({ TableName: 'items' }))).Items as { id: { S: string } }[];
      expect(left.map((item) => item.id.S).sort()).to.deep.equal(['none', 'text', 'young']);
    });
  });
});
