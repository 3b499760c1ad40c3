import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, GetItemCommand, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { FunctionLogEntry, InvocationOutcome } from '../api-gateway/invocation-outcome.js';
import { LOCAL_CREDENTIALS } from '../dynamodb/store.js';
import type { IamRefusal } from '../iam/refusal.js';
import type { IssuerRequestEvent } from '../identity-provider/issuer.js';
import type { ReloadEvent } from '../lambda/functions.js';
import type { AsyncFailure } from '../lambda/invoke-api/async-invocations.js';
import type { InvokeApiOutcome } from '../lambda/invoke-api/invoke-api.js';
import { startGateway, type Gateway } from '../stack/gateway.js';
import type { GatewayOptions } from '../stack/options.js';

/**
 * sam-local-websocket/testing: a gateway for a project's tests. A local gateway on free ports,
 * with SDK clients pointed at it and what it reported kept: tests read these structured
 * records, never the console lines. Its table helpers read the first table's `connectionId` key.
 */
export interface LocalGateway {
  gateway: Gateway;
  dynamo: DynamoDBClient;
  management: ApiGatewayManagementApiClient;
  tableName: string;
  /** Every invocation's outcome, in order. */
  invocations: InvocationOutcome[];
  /** Every line the functions wrote, with its JSON record. */
  functionLogs: FunctionLogEntry[];
  /** With `watch`: every rebuild. */
  reloads: ReloadEvent[];
  /** With `localIssuer`: every request the local issuer answered. */
  issuerRequests: IssuerRequestEvent[];
  /** Every call the local IAM refused, in order. */
  refusals: IamRefusal[];
  /** Every invocation made through the Lambda Invoke API (each async attempt too). */
  invokes: InvokeApiOutcome[];
  /** Every asynchronous invocation that failed all its attempts, with its destination record. */
  asyncFailures: AsyncFailure[];
  /**
   * Everything the gateway would print. Only for checking what must never be printed (a
   * secret); behaviour is checked through the records above.
   */
  printed: string[];
  /** The JSON records the functions logged with this `message`. */
  records(message: string): Record<string, unknown>[];
  /** Every connection id in the table, sorted (all Scan pages). */
  storedIds(): Promise<string[]>;
  /** True when the table holds a record for `connectionId`. */
  stored(connectionId: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function startLocalGateway(options: Partial<GatewayOptions> = {}): Promise<LocalGateway> {
  const [invocations, functionLogs, reloads, printed] = [[] as InvocationOutcome[], [] as FunctionLogEntry[], [] as ReloadEvent[], [] as string[]];
  const issuerRequests: IssuerRequestEvent[] = [];
  const refusals: IamRefusal[] = [];
  const [invokes, asyncFailures] = [[] as InvokeApiOutcome[], [] as AsyncFailure[]];
  const gateway = await startGateway({
    port: 0,
    dbPort: 0,
    log: (line) => printed.push(line),
    onInvocation: (outcome) => invocations.push(outcome),
    onFunctionLog: (entry) => functionLogs.push(entry),
    onReload: (event) => reloads.push(event),
    onIssuerRequest: (event) => issuerRequests.push(event),
    onRefusal: (refusal) => refusals.push(refusal),
    onInvoke: (outcome) => invokes.push(outcome),
    onAsyncFailure: (failure) => asyncFailures.push(failure),
    ...options,
  });
  const clientConfig = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
  const dynamo = new DynamoDBClient({ ...clientConfig, endpoint: gateway.dbEndpoint });
  const management = new ApiGatewayManagementApiClient({ ...clientConfig, endpoint: gateway.managementEndpoint });
  const tableName = Object.values(gateway.tables)[0];
  return {
    gateway,
    dynamo,
    management,
    tableName,
    invocations,
    functionLogs,
    reloads,
    issuerRequests,
    refusals,
    invokes,
    asyncFailures,
    printed,
    records: (message) => functionLogs.flatMap((entry) => (entry.record?.message === message ? [entry.record] : [])),
    storedIds: async () => {
      const ids: string[] = [];
      let start: ScanCommandOutput['LastEvaluatedKey'];
      do {
        const page = await dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
        ids.push(...(page.Items ?? []).map((item) => item.connectionId.S!));
        start = page.LastEvaluatedKey;
      } while (start);
      return ids.sort();
    },
    stored: async (connectionId) => {
      const { Item } = await dynamo.send(new GetItemCommand({ TableName: tableName, Key: { connectionId: { S: connectionId } } }));
      return Item !== undefined;
    },
    close: async () => {
      dynamo.destroy();
      management.destroy();
      await gateway.close();
    },
  };
}

/** The connection id the gateway gave a client (anything with its `ws` socket), found by the client's socket port. */
export function connectionIdOf(local: LocalGateway, client: { socket: WebSocket }): string {
  const port = (client.socket as unknown as { _socket: Socket })._socket.localPort;
  const connection = [...local.gateway.registry.all()].find((candidate) => (candidate.socket as unknown as { _socket: Socket })._socket.remotePort === port);
  if (!connection) throw new Error('the gateway does not know this client');
  return connection.connectionId;
}
