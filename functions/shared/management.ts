import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionContext } from './events.js';
import { DEFAULTS } from './constants.js';
import { ConfigError } from './errors.js';

/** Where the `@connections` API lives and how to reach it. */
export interface EndpointSettings {
  /** An explicit endpoint wins (the local gateway, `sam local invoke --env-vars`). */
  override?: string;
  region?: string;
}

/**
 * The `@connections` endpoint for the API and stage the event came from. The
 * `{apiId}.execute-api.{region}` form also works when clients use a custom domain.
 */
export function managementEndpoint(context: Pick<ConnectionContext, 'apiId' | 'stage'>, settings: EndpointSettings): string {
  if (settings.override) return settings.override;
  if (!settings.region) throw new ConfigError('AWS_REGION is not set, and no MANAGEMENT_API_ENDPOINT overrides it');
  return `https://${context.apiId}.execute-api.${settings.region}.amazonaws.com/${context.stage}`;
}

// Clients are cached per endpoint for the container's life, so warm invocations reuse
// their connections (keep-alive) instead of opening new ones.
const clients = new Map<string, ApiGatewayManagementApiClient>();

/** The management client for an endpoint, created once. */
export function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  let client = clients.get(endpoint);
  if (!client) {
    client = new ApiGatewayManagementApiClient({ endpoint, maxAttempts: DEFAULTS.postMaxAttempts });
    clients.set(endpoint, client);
  }
  return client;
}

/**
 * Sends one message to one connection. A gone connection rejects with `GoneException`;
 * `signal` abandons the call (and its retries) when time runs out.
 */
export async function postToConnection(endpoint: string, connectionId: string, data: string, signal?: AbortSignal): Promise<void> {
  await managementClient(endpoint).send(
    new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(data) }),
    { abortSignal: signal },
  );
}

/** True for the error the SDK throws when a connection no longer exists (HTTP 410). */
export function isGone(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'GoneException';
}
