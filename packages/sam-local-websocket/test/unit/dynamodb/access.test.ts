import { expect } from 'chai';
import { dynamoDbAccesses, operationOf } from '../../../src/dynamodb/access.js';

const arn = (table: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;
const accesses = (operation: string, input: unknown) => dynamoDbAccesses(operation, Buffer.from(JSON.stringify(input)), arn);

describe('local/iam/dynamodb-access', () => {
  it('reads the operation of an X-Amz-Target', () => {
    expect(operationOf('DynamoDB_20120810.Scan')).to.equal('Scan');
    expect(operationOf('DynamoDB_20120810.')).to.equal(undefined);
    expect(operationOf('Other.Scan')).to.equal(undefined);
    expect(operationOf(undefined)).to.equal(undefined);
  });

  it('names the table, and the index for a Query or Scan on one', () => {
    expect(accesses('PutItem', { TableName: 'T', Item: {} })).to.deep.equal([{ action: 'dynamodb:PutItem', resource: arn('T') }]);
    expect(accesses('Query', { TableName: 'T', IndexName: 'byUser' })).to.deep.equal([{ action: 'dynamodb:Query', resource: `${arn('T')}/index/byUser` }]);
    expect(accesses('Scan', { TableName: 'T', IndexName: 'i' })).to.deep.equal([{ action: 'dynamodb:Scan', resource: `${arn('T')}/index/i` }]);
  });

  it('names every table of a batch', () => {
    expect(accesses('BatchWriteItem', { RequestItems: { A: [], B: [] } })).to.deep.equal([
      { action: 'dynamodb:BatchWriteItem', resource: arn('A') },
      { action: 'dynamodb:BatchWriteItem', resource: arn('B') },
    ]);
  });

  it('reads a batch’s tables from RequestItems only, whatever TableName it also carries', () => {
    expect(accesses('BatchWriteItem', { TableName: 'Allowed', RequestItems: { Other: [] } })).to.deep.equal([
      { action: 'dynamodb:BatchWriteItem', resource: arn('Other') },
    ]);
  });

  it('asks for the item actions a transaction holds', () => {
    const input = { TransactItems: [{ Put: { TableName: 'A' } }, { Delete: { TableName: 'B' } }, { ConditionCheck: { TableName: 'A' } }] };
    expect(accesses('TransactWriteItems', input)).to.deep.equal([
      { action: 'dynamodb:PutItem', resource: arn('A') },
      { action: 'dynamodb:DeleteItem', resource: arn('B') },
      { action: 'dynamodb:ConditionCheckItem', resource: arn('A') },
    ]);
  });

  it('needs Resource "*" for what names no table (ListTables)', () => {
    expect(accesses('ListTables', {})).to.deep.equal([{ action: 'dynamodb:ListTables', resource: '*' }]);
  });

  it('needs Resource "*" for a body that is not a JSON object, so nothing unread slips by', () => {
    for (const body of ['{not json', '[1]', 'null']) {
      expect(dynamoDbAccesses('Scan', Buffer.from(body), arn)).to.deep.equal([{ action: 'dynamodb:Scan', resource: '*' }]);
    }
  });

  it('needs Resource "*" for a body nested deeper than any request, without parsing it (the store refuses it)', () => {
    const body = Buffer.from(`{"TableName":"T","Item":{"a":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}}`);
    expect(dynamoDbAccesses('PutItem', body, arn)).to.deep.equal([{ action: 'dynamodb:PutItem', resource: '*' }]);
    const shallow = Buffer.from(`{"TableName":"T","Item":{"a":${'['.repeat(10)}${']'.repeat(10)}}}`);
    expect(dynamoDbAccesses('PutItem', shallow, arn)).to.deep.equal([{ action: 'dynamodb:PutItem', resource: arn('T') }]);
  });
});
