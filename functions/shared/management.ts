import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { partition } from '@aws-sdk/util-endpoints';
import type { ConnectionContext } from './events.js';
import { DEFAULTS } from './constants.js';
import { ConfigError } from './errors.js';
import { AtMostOnceRetryStrategy } from './at-most-once-retry.js';
import { trackedAgents } from './request-fate.js';

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

/**
 * The `@connections` management clients of one container, one per endpoint and pool size,
 * created once, so warm invocations reuse their keep-alive connections instead of opening new
 * ones. A handler's app.ts creates one for the container's life.
 */
export class ManagementClients {
  private readonly clients = new Map<string, ApiGatewayManagementApiClient>();

  /**
   * The management client for an endpoint, created once. Every client retries only what
   * provably was not delivered (AtMostOnceRetryStrategy, over keep-alive pools whose failed
   * requests say whether they were sent), so no connection gets a message twice. `maxSockets`
   * sizes the pool to the posts in flight, with this project's per-attempt timeout. Without it
   * (replies, and a bench's unbounded broadcast) the client keeps the SDK's other defaults,
   * as the usual sample code builds it: a pool of 50 and no request timeout. (With a timeout,
   * posts queued behind that pool would time out while still waiting for a socket, since the
   * SDK's request timeout starts before a socket is assigned.)
   */
  client(endpoint: string, maxSockets?: number): ApiGatewayManagementApiClient {
    const key = `${endpoint} ${maxSockets ?? 'default'}`;
    let client = this.clients.get(key);
    if (!client) {
      // The standard mode, except that an attempt which may have been delivered is not retried.
      const retryStrategy = new AtMostOnceRetryStrategy(DEFAULTS.postMaxAttempts);
      const agents = trackedAgents({ maxSockets });
      client =
        maxSockets === undefined
          ? new ApiGatewayManagementApiClient({ endpoint, retryStrategy, requestHandler: agents })
          : new ApiGatewayManagementApiClient({
              endpoint,
              retryStrategy,
              // Every post is the same command: build its middleware stack once, not per call.
              cacheMiddleware: true,
              requestHandler: {
                requestTimeout: DEFAULTS.postAttemptTimeoutMs,
                // Without this the SDK's handler only logs a warning when an attempt outlasts requestTimeout.
                throwOnRequestTimeout: true,
                ...agents,
              },
            });
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * Sends one message to one connection (`maxSockets`: see {@link ManagementClients.client}).
   * A gone connection rejects with `GoneException`.
   */
  async post(endpoint: string, connectionId: string, data: string | Uint8Array, maxSockets?: number): Promise<void> {
    await this.client(endpoint, maxSockets).send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: typeof data === 'string' ? Buffer.from(data) : data }),
    );
  }
}

/** True for the error the SDK throws when a connection no longer exists (HTTP 410). */
export function isGone(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'GoneException';
}
