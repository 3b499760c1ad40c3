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

/**
 * One of `totalSegments` disjoint parts of the table (DynamoDB's parallel Scan): every item is
 * in exactly one segment.
 */
export interface ScanSegment {
  /** 0 to `totalSegments - 1`. */
  segment: number;
  totalSegments: number;
}

/** The attribute names the template's table must declare: key and TTL. */
export const TABLE_ATTRIBUTES = { key: 'connectionId', ttl: 'expiresAt' } as const;

// One client per container, reused by every invocation. It honours AWS_ENDPOINT_URL_DYNAMODB.

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
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  /** Stores a connection record. */
  async save(record: ConnectionRecord): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: marshall(record, { removeUndefinedValues: true }) }));
  }

  /** Deletes a connection record; deleting one that is already gone is not an error. */
  async remove(connectionId: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall({ [TABLE_ATTRIBUTES.key]: connectionId }) }));
  }

  /**
   * Yields every stored connection id, page by page, reading only the key. The next page is
   * fetched while this one is consumed (two pages at most are held), so posting never waits
   * for the table and a broadcast never holds the whole table. With `segment`, only that
   * segment's ids.
   */
  async *connectionIds(segment?: ScanSegment): AsyncGenerator<string> {
    let next: Promise<ScanCommandOutput> | undefined = this.scanPage(undefined, segment);
    while (next) {
      const page: ScanCommandOutput = await next;
      next = page.LastEvaluatedKey ? this.scanPage(page.LastEvaluatedKey, segment) : undefined;
      // A consumer that stops early never awaits the prefetch: its failure is not news.
      next?.catch(() => {});
      for (const item of page.Items ?? []) {
        const id = item[TABLE_ATTRIBUTES.key]?.S;
        if (id) yield id;
      }
    }
  }

  /**
   * Counts the stored connections, reading no further than `atMost` items (a keys-only
   * `Select: COUNT` Scan, paged): the answer is exact below `atMost`, and `atMost` with
   * `more: true` when the table holds at least that many. Its cost is bounded by `atMost`,
   * whatever the table's size.
   */
  async countUpTo(atMost: number): Promise<{ count: number; more: boolean }> {
    let count = 0;
    let startKey: ScanCommandOutput['LastEvaluatedKey'];
    do {
      const page: ScanCommandOutput = await this.client.send(
        new ScanCommand({ TableName: this.tableName, Select: 'COUNT', Limit: atMost - count, ExclusiveStartKey: startKey }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey && count < atMost);
    return { count, more: startKey !== undefined };
  }

  private async scanPage(startKey?: ScanCommandOutput['LastEvaluatedKey'], segment?: ScanSegment): Promise<ScanCommandOutput> {
    return this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        ProjectionExpression: TABLE_ATTRIBUTES.key,
        Limit: DEFAULTS.scanPageSize,
        ExclusiveStartKey: startKey,
        ...(segment ? { Segment: segment.segment, TotalSegments: segment.totalSegments } : {}),
      }),
    );
  }
}
