/**
 * Issue #32 items 1 and 2, DynamoDB: hostile nesting and expressions get DynamoDB's answers
 * from the store's real HTTP endpoint (unmodified SDK v3), and the store keeps serving.
 */
import { expect } from 'chai';
import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { NESTING_MESSAGE } from '../../../src/dynamodb/engine/limits.js';
import { engineStore, nested } from '../../helpers/engine-store.js';
import { rejection } from '../../helpers/rejection.js';

const av = (value: Record<string, unknown>) => value as unknown as AttributeValue;

describe('local/store: DynamoDB’s limits on nesting and expressions', () => {
  let running: Awaited<ReturnType<typeof engineStore>>;
  before(async () => {
    running = await engineStore();
  });
  after(() => running.close());
  const send = (command: object) => running.send(command);

  it('accepts a value 32 levels deep and refuses 33 with DynamoDB’s ValidationException, in every shape', async () => {
    for (const shape of ['map', 'list', 'mixed'] as const) {
      await send(new PutItemCommand({ TableName: 'items', Item: { id: { S: `ok-${shape}` }, deep: av(nested(32, shape)) } }));
      const refused = await rejection(send(new PutItemCommand({ TableName: 'items', Item: { id: { S: shape }, deep: av(nested(33, shape)) } })));
      expect(refused).to.include({ name: 'ValidationException', message: NESTING_MESSAGE });
    }
    const stored = await send(new GetItemCommand({ TableName: 'items', Key: { id: { S: 'ok-map' } } }));
    expect(stored.Item?.deep).to.deep.equal(nested(32));
  });

  it('refuses the issue’s 1,000-level map (12 KB) and keeps serving', async () => {
    const refused = await rejection(send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'k' }, d: av(nested(1000)) } })));
    expect(refused).to.include({ name: 'ValidationException', message: NESTING_MESSAGE });
    expect((await send(new GetItemCommand({ TableName: 'items', Key: { id: { S: 'ok-map' } } }))).Item).to.have.property('deep');
  });

  it('bounds nesting wherever a value can be: batch items, expression values, keys, updates, transactions', async () => {
    const deep = av(nested(40, 'mixed'));
    const attempts = [
      new BatchWriteItemCommand({ RequestItems: { items: [{ PutRequest: { Item: { id: { S: 'b' }, d: deep } } }] } }),
      new ScanCommand({ TableName: 'items', FilterExpression: 'd = :v', ExpressionAttributeValues: { ':v': deep } }),
      new GetItemCommand({ TableName: 'items', Key: { id: deep } }),
      new UpdateItemCommand({ TableName: 'items', Key: { id: { S: 'u' } }, UpdateExpression: 'SET d = :v', ExpressionAttributeValues: { ':v': deep } }),
      new UpdateItemCommand({ TableName: 'items', Key: { id: { S: 'u' } }, AttributeUpdates: { d: { Value: deep, Action: 'PUT' } } }),
      new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'items', Item: { id: { S: 't' }, d: deep } } }] }),
    ];
    for (const attempt of attempts) {
      expect(await rejection(send(attempt))).to.include({ name: 'ValidationException', message: NESTING_MESSAGE });
    }
  });

  it('answers a body nested 100,000 levels deep (not an item at all) without parsing it', async () => {
    const body = `{"TableName":"items","Item":{"id":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request(`${running.store.endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.PutItem',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc',
          'x-amz-date': '20260101T000000Z',
        },
      });
      outgoing.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body: text }));
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
    expect(answer.status).to.equal(400);
    expect(JSON.parse(answer.body)).to.deep.equal({ __type: 'com.amazon.coral.validate#ValidationException', message: NESTING_MESSAGE });
  });

  it('refuses redundant parentheses with DynamoDB’s message, at once (the issue’s 20 levels, 60 bytes)', async () => {
    const started = Date.now();
    const refused = await rejection(
      send(
        new ScanCommand({ TableName: 'items', FilterExpression: `${'('.repeat(20)}id = :v${')'.repeat(20)}`, ExpressionAttributeValues: { ':v': { S: 'x' } } }),
      ),
    );
    expect(refused).to.include({ name: 'ValidationException', message: 'Invalid FilterExpression: The expression has redundant parentheses;' });
    const operand = await rejection(
      send(
        new ScanCommand({ TableName: 'items', FilterExpression: `${'('.repeat(20)}id${')'.repeat(20)} = :v`, ExpressionAttributeValues: { ':v': { S: 'x' } } }),
      ),
    );
    expect(operand.message).to.equal('Invalid FilterExpression: The expression has redundant parentheses;');
    expect(Date.now() - started).to.be.lessThan(5000); // minutes before the parsers were made linear
  });

  it('parses deep expressions that DynamoDB accepts (nested ANDs, NOTs) instead of taking exponential time', async () => {
    await send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'x' }, n: { S: 'x' } } }));
    const ands = `${Array.from({ length: 40 }, () => '(n = :v AND ').join('')}n = :v${')'.repeat(40)}`;
    const nots = `${Array.from({ length: 40 }, () => 'NOT (').join('')}n = :v${')'.repeat(40)}`;
    const scanned = await send(new ScanCommand({ TableName: 'items', FilterExpression: ands, ExpressionAttributeValues: { ':v': { S: 'x' } } }));
    expect(scanned.Items).to.deep.equal([{ id: { S: 'x' }, n: { S: 'x' } }]);
    const negated = await send(new ScanCommand({ TableName: 'items', FilterExpression: nots, ExpressionAttributeValues: { ':v': { S: 'x' } } }));
    expect(negated.Items).to.deep.equal([{ id: { S: 'x' }, n: { S: 'x' } }]); // forty NOTs: an even count
    const queried = await send(
      new QueryCommand({ TableName: 'items', KeyConditionExpression: 'id = :v', FilterExpression: ands, ExpressionAttributeValues: { ':v': { S: 'x' } } }),
    );
    expect(queried.Count).to.equal(1);
  });

  it('runs the engine on a thread of its own: dynalite is never loaded on this one', () => {
    const loadedHere = Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('/node_modules/dynalite/'));
    expect(loadedHere).to.deep.equal([]);
  });

  it('refuses an expression over 4 KB with DynamoDB’s message', async () => {
    const long = `${Array.from({ length: 400 }, () => 'id = :v').join(' OR ')}`;
    const refused = await rejection(send(new ScanCommand({ TableName: 'items', FilterExpression: long, ExpressionAttributeValues: { ':v': { S: 'x' } } })));
    expect(refused).to.include({
      name: 'ValidationException',
      message: `Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: ${long.length}`,
    });
  });
});
