import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, startStore, type LocalStore, type StoreOptions } from '../../src/dynamodb/store.js';
import type { TableSpec } from '../../src/template/template.js';

/** A table keyed by `id` (S), and one keyed by `room` + `member`. */
export const ENGINE_TABLES: TableSpec[] = [
  {
    logicalId: 'Items',
    tableName: 'items',
    keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
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

/** Sends any command; the tests read the fields they expect of the answer. */
export type SendAny = (command: object) => Promise<Record<string, any>>;

/** A store on a free port with the unmodified SDK v3 client on its HTTP endpoint; `close` ends both. */
export async function engineStore(options: StoreOptions = {}): Promise<{ store: LocalStore; client: DynamoDBClient; send: SendAny; close(): Promise<void> }> {
  const store = await startStore(ENGINE_TABLES, { port: 0, ...options });
  const client = new DynamoDBClient({ endpoint: store.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  return {
    store,
    client,
    send: (command) => client.send(command as never),
    close: async () => {
      client.destroy();
      await store.close();
    },
  };
}

/** An attribute value nested `levels` deep (the top-level attribute is level 1) in the given shape. */
export function nested(levels: number, shape: 'map' | 'list' | 'mixed' = 'map'): Record<string, unknown> {
  let value: Record<string, unknown> = { S: 'x' };
  for (let level = 1; level < levels; level++) {
    const asList = shape === 'list' || (shape === 'mixed' && level % 2 === 0);
    value = asList ? { L: [value] } : { M: { a: value } };
  }
  return value;
}
