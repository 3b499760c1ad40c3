import { DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
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
  /** The user's `sub`, when the JWT authorizer verified their token. */
  sub?: string;
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
   * Yields every stored connection id, page by page, reading only the key. The next page is
   * fetched while this one is consumed (two pages at most are held), so posting never waits
   * for the table and a broadcast never holds the whole table.
   */
  async *connectionIds(): AsyncGenerator<string> {
    let next: Promise<ScanCommandOutput> | undefined = this.scanPage();
    while (next) {
      const page: ScanCommandOutput = await next;
      next = page.LastEvaluatedKey ? this.scanPage(page.LastEvaluatedKey) : undefined;
      // A consumer that stops early never awaits the prefetch: its failure is not news.
      next?.catch(() => {});
      for (const item of page.Items ?? []) {
        const id = item[TABLE_ATTRIBUTES.key]?.S;
        if (id) yield id;
      }
    }
  }

  private async scanPage(startKey?: ScanCommandOutput['LastEvaluatedKey']): Promise<ScanCommandOutput> {
    return this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        ProjectionExpression: TABLE_ATTRIBUTES.key,
        Limit: DEFAULTS.scanPageSize,
        ExclusiveStartKey: startKey,
      }),
    );
  }
}
