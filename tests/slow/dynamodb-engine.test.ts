/**
 * The twin's DynamoDB engine under hostile input (issue #32): adversarial requests of every
 * nesting and expression shape are each answered as DynamoDB answers them (its error, or a
 * result for what it accepts), while the store keeps serving. Counts are reported.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { LOCAL_CREDENTIALS, startStore, type LocalStore } from 'sam-local-websocket';

const TABLE = {
  logicalId: 'T',
  tableName: 'items',
  keySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
  attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
};

/** A value nested `levels` deep, wrapping in turn as `shape` says (m: map, l: list). */
function nested(levels: number, shape: string): AttributeValue {
  let value: AttributeValue = { S: 'x' };
  for (let level = 1; level < levels; level++) value = shape[level % shape.length] === 'l' ? { L: [value] } : { M: { a: value } };
  return value;
}

describe('DynamoDB engine: hostile input', function () {
  this.timeout(120_000);
  let store: LocalStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('answers every adversarial request with DynamoDB’s error and keeps serving (nesting and expression shapes)', async () => {
    store = await startStore([TABLE], { port: 0 });
    const client = new DynamoDBClient({ endpoint: store.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    await client.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'kept' }, n: { S: 'x' } } }));
    const values = { ':v': { S: 'x' } };
    const cases: { send: () => Promise<unknown>; expect: RegExp | 'accepted'; label?: string }[] = [];
    // Deeper than 1,000 levels the SDK itself overflows its stack serializing the request.
    for (const shape of ['m', 'l', 'ml', 'mml', 'lll', 'mlm'])
      for (const levels of [33, 64, 200, 1000]) {
        cases.push({
          send: () => client.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: 'x' }, d: nested(levels, shape) } })),
          expect: /^Nesting Levels/,
        });
        cases.push({
          send: () =>
            client.send(new ScanCommand({ TableName: 'items', FilterExpression: 'n = :v', ExpressionAttributeValues: { ':v': nested(levels, shape) } })),
          expect: /^Nesting Levels/,
        });
      }
    const redundant = /^Invalid FilterExpression: The expression has redundant parentheses;$/;
    const tooLong = /^Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: \d+$/;
    for (const depth of [2, 8, 16, 20, 24, 32, 64, 400, 2000]) {
      const around = (open: string, inner: string, close = ')') => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
      const shapes: [string, RegExp | 'accepted'][] = [
        [around('(', 'n = :v'), redundant],
        [`${around('(', 'n')} = :v`, redundant],
        // What DynamoDB says of a function in parentheses is not documented: dynalite calls it a syntax error.
        [`${around('(', 'size(n)')} > :v`, /^Invalid FilterExpression: /],
        [around('NOT (', 'n = :v'), 'accepted'],
        [around('((n = :v) AND ', 'n = :v'), 'accepted'],
        [around('(n = :v OR (', 'n = :v', '))'), redundant],
      ];
      for (const [expression, expected] of shapes) {
        const outcome = Buffer.byteLength(expression) > 4096 ? tooLong : expected;
        cases.push({
          send: () => client.send(new ScanCommand({ TableName: 'items', FilterExpression: expression, ExpressionAttributeValues: values })),
          expect: outcome,
          label: expression.slice(0, 80),
        });
      }
    }
    let answered = 0;
    const started = Date.now();
    for (const attempt of cases) {
      const error = await attempt.send().then(
        () => undefined,
        (failure: Error) => failure,
      );
      if (attempt.expect === 'accepted') expect(error, String(error)).to.equal(undefined);
      else {
        expect(error?.name, String(error)).to.equal('ValidationException');
        expect(error?.message, attempt.label).to.match(attempt.expect);
      }
      answered++;
    }
    const kept = await client.send(new GetItemCommand({ TableName: 'items', Key: { id: { S: 'kept' } } }));
    expect(kept.Item).to.deep.equal({ id: { S: 'kept' }, n: { S: 'x' } });
    console.log(`    DynamoDB adversarial cases: ${cases.length} tried, ${answered} answered as DynamoDB answers, 0 crashes, in ${Date.now() - started} ms`);
    client.destroy();
  });
});
