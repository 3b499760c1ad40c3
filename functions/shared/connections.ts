import { DeleteItemCommand, DynamoDBClient, PutItemCommand, paginateScan } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { API_GATEWAY_LIMITS, DEFAULTS } from './constants.js';

/** One open connection, as stored in the table (hash key `connectionId`, TTL on `expiresAt`). */
export interface ConnectionRecord {
  connectionId: string;
  /** Epoch milliseconds, from API Gateway's `requestContext.connectedAt`. */
  connectedAt: number;
  /** Epoch seconds after which DynamoDB's TTL may delete the record. */
  expiresAt: number;
  /** Who connected, when an authorizer said so. */
  principalId?: string;
}

/** The attribute names the template's table must declare: key and TTL. */
export const TABLE_ATTRIBUTES = { key: 'connectionId', ttl: 'expiresAt' } as const;

// One client per container, reused by every invocation. It honours AWS_ENDPOINT_URL_DYNAMODB.
const dynamoDb = new DynamoDBClient({});

/**
 * A record can outlive a dropped connection whose `$disconnect` never ran; TTL removes it
 * once the connection could no longer be open (2 h maximum duration plus a margin).
 */
export function expiryFor(connectedAtMs: number): number {
  return Math.floor(connectedAtMs / 1000) + API_GATEWAY_LIMITS.maxConnectionSeconds + DEFAULTS.ttlMarginSeconds;
}

/** The connections table: the only module that talks to DynamoDB. */
export class ConnectionStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = dynamoDb,
  ) {}

  /** Stores a connection record. */
  async save(record: ConnectionRecord): Promise<void> {
    await this.client.send(
      new PutItemCommand({ TableName: this.tableName, Item: marshall(record, { removeUndefinedValues: true }) }),
    );
  }

  /** Deletes a connection record; deleting one that is already gone is not an error. */
  async remove(connectionId: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: marshall({ [TABLE_ATTRIBUTES.key]: connectionId }) }),
    );
  }

  /**
   * Yields every stored connection id, page by page, reading only the key. Pages are
   * fetched as the caller consumes them, so a broadcast never holds the whole table.
   */
  async *connectionIds(): AsyncGenerator<string> {
    const pages = paginateScan(
      { client: this.client },
      { TableName: this.tableName, ProjectionExpression: TABLE_ATTRIBUTES.key },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const id = item[TABLE_ATTRIBUTES.key]?.S;
        if (id) yield id;
      }
    }
  }
}
