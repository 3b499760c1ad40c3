import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { partition } from '@aws-sdk/util-endpoints';
import type { ConnectionContext } from './events.js';
import { DEFAULTS } from './constants.js';
import { ConfigError } from './errors.js';
import { PostRetryStrategy } from './post-retry.js';

/** Where the `@connections` API lives and how to reach it. */
export interface EndpointSettings {
  /** An explicit endpoint wins (the local gateway, `sam local invoke --env-vars`). */
  override?: string;
  region?: string;
}

/**
 * The `@connections` endpoint for the API and stage the event came from. The
 * `{apiId}.execute-api.{region}` form also works when clients use a custom domain. The host
 * suffix comes from the SDK's partition data: `amazonaws.com`, but e.g. `amazonaws.com.cn`
 * in `cn-*` regions and `amazonaws.eu` in `eusc-*`.
 */
export function managementEndpoint(context: Pick<ConnectionContext, 'apiId' | 'stage'>, settings: EndpointSettings): string {
  if (settings.override) return settings.override;
  if (!settings.region) throw new ConfigError('AWS_REGION is not set, and no MANAGEMENT_API_ENDPOINT overrides it');
  const { dnsSuffix } = partition(settings.region);
  return `https://${context.apiId}.execute-api.${settings.region}.${dnsSuffix}/${context.stage}`;
}

// Clients are cached per endpoint (and pool size) for the container's life, so warm
// invocations reuse their keep-alive connections instead of opening new ones.
const clients = new Map<string, ApiGatewayManagementApiClient>();

/**
 * The management client for an endpoint, created once. `maxSockets` sizes its keep-alive
 * connection pool to the posts in flight, with this project's per-attempt timeout and retry
 * rule. Without it (`BROADCAST_CONCURRENCY=unbounded`) the client has the SDK's defaults and
 * nothing else, as the usual sample code builds it: a pool of 50, no request timeout, standard
 * retries. (With a timeout, posts queued behind that pool would time out while still waiting
 * for a socket, since the SDK's request timeout starts before a socket is assigned.)
 */
export function managementClient(endpoint: string, maxSockets?: number): ApiGatewayManagementApiClient {
  const key = `${endpoint} ${maxSockets ?? 'default'}`;
  let client = clients.get(key);
  if (!client) {
    const pool = { keepAlive: true, maxSockets };
    client =
      maxSockets === undefined
        ? new ApiGatewayManagementApiClient({ endpoint })
        : new ApiGatewayManagementApiClient({
            endpoint,
            // The standard mode, except that an attempt which may have been delivered is not retried.
            retryStrategy: new PostRetryStrategy(DEFAULTS.postMaxAttempts),
            // Every post is the same command: build its middleware stack once, not per call.
            cacheMiddleware: true,
            requestHandler: {
              requestTimeout: DEFAULTS.postAttemptTimeoutMs,
              // Without this the SDK's handler only logs a warning when an attempt outlasts requestTimeout.
              throwOnRequestTimeout: true,
              httpAgent: pool,
              httpsAgent: pool,
            },
          });
    clients.set(key, client);
  }
  return client;
}

/**
 * Sends one message to one connection (`maxSockets`: see {@link managementClient}).
 * A gone connection rejects with `GoneException`.
 */
export async function postToConnection(endpoint: string, connectionId: string, data: string | Uint8Array, maxSockets?: number): Promise<void> {
  await managementClient(endpoint, maxSockets).send(
    new PostToConnectionCommand({ ConnectionId: connectionId, Data: typeof data === 'string' ? Buffer.from(data) : data }),
  );
}

/** True for the error the SDK throws when a connection no longer exists (HTTP 410). */
export function isGone(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'GoneException';
}
