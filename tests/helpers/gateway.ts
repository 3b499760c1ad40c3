import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Socket } from 'node:net';
import { startGateway, type Gateway, type GatewayOptions } from '../../local/gateway.js';
import { LOCAL_CREDENTIALS } from '../../local/store/dynalite.js';
import type { TestClient } from './clients.js';

/** A local gateway on free ports, with SDK clients pointed at it and its log kept. */
export interface LocalGateway {
  gateway: Gateway;
  dynamo: DynamoDBClient;
  management: ApiGatewayManagementApiClient;
  tableName: string;
  logs: string[];
  /** True when the table holds a record for `connectionId`. */
  stored(connectionId: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function startLocalGateway(options: Partial<GatewayOptions> = {}): Promise<LocalGateway> {
  const logs: string[] = [];
  const gateway = await startGateway({ port: 0, dbPort: 0, log: (line) => logs.push(line), ...options });
  const clientConfig = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
  const dynamo = new DynamoDBClient({ ...clientConfig, endpoint: gateway.dbEndpoint });
  const management = new ApiGatewayManagementApiClient({ ...clientConfig, endpoint: gateway.managementEndpoint });
  const tableName = Object.values(gateway.tables)[0];
  return {
    gateway,
    dynamo,
    management,
    tableName,
    logs,
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

/** The connection id the gateway gave a client, found by the client's socket port. */
export function connectionIdOf(local: LocalGateway, client: TestClient): string {
  const port = (client.socket as unknown as { _socket: Socket })._socket.localPort;
  const connection = [...local.gateway.registry.all()].find(
    (candidate) => (candidate.socket as unknown as { _socket: Socket })._socket.remotePort === port,
  );
  if (!connection) throw new Error('the gateway does not know this client');
  return connection.connectionId;
}
