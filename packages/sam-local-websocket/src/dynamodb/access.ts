/**
 * What a DynamoDB request asks IAM for: the action of its `X-Amz-Target` on each table (or
 * index) it names. Transactions ask for the item actions they contain, as on AWS.
 */
import type { Access } from '../iam/guard.js';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './engine/limits.js';

/** The item actions a transaction's entries stand for. */
const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

/** The operation of an `X-Amz-Target` such as `DynamoDB_20120810.Scan`. */
export function operationOf(target: string | undefined): string | undefined {
  return /^DynamoDB_\d{8}\.([A-Za-z]+)$/.exec(target ?? '')?.[1];
}

/**
 * The accesses of one request. `tableArn(name)` gives a table's ARN. What names no table (a
 * body that is not a JSON object, ListTables) needs Resource "*", so nothing unread slips by.
 */
export function dynamoDbAccesses(operation: string, body: Buffer, tableArn: (table: string) => string): Access[] {
  const action = `dynamodb:${operation}`;
  // biome-ignore lint/suspicious/noExplicitAny: a request body as the client sent it, each field checked where it is read
  let input: Record<string, any>;
  // A body too deep to be a request is not parsed on this thread (the store refuses it): it needs Resource "*".
  if (jsonNestsDeeperThan(body, MAX_JSON_DEPTH)) return [{ action, resource: '*' }];
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    return [{ action, resource: '*' }];
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) return [{ action, resource: '*' }];
  // Read by operation, as the store does: a batch's TableName, say, must not stand for its RequestItems.
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys(input.RequestItems ?? {}).map((table) => ({ action, resource: tableArn(table) }));
  }
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    // biome-ignore lint/suspicious/noExplicitAny: a request body as the client sent it, each field checked where it is read
    return (Array.isArray(input.TransactItems) ? input.TransactItems : []).flatMap((item: Record<string, any>) =>
      Object.entries(item ?? {}).map(([kind, entry]) => ({
        action: TRANSACT_ACTIONS[kind] ?? action,
        resource: tableArn(String(entry?.TableName)),
      })),
    );
  }
  if (typeof input.TableName === 'string') {
    const table = tableArn(input.TableName);
    const index = typeof input.IndexName === 'string' && ['Query', 'Scan'].includes(operation) ? `/index/${input.IndexName}` : '';
    return [{ action, resource: `${table}${index}` }];
  }
  // ListTables, PartiQL and the rest name no table here: they need Resource "*".
  return [{ action, resource: '*' }];
}
