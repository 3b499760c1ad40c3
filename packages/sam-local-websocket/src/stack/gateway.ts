/**
 * Starts the local twin of one SAM template's WebSocket API: listens first (so port 0 is
 * known), then the local issuer (`localIssuer`), the template as it would deploy, the page,
 * the store, IAM and the functions (backends.ts), and serves connections on the port
 * (connections-server.ts). What each step starts is stopped, in order, by `close()`.
 */
import { ConnectionRegistry } from '../api-gateway/connection-registry.js';
import { connectionsApi } from '../api-gateway/connections-api.js';
import { connectionsGuard } from '../api-gateway/connections-guard.js';
import { faultHooks } from '../api-gateway/faults.js';
import { closeServer, type LocalStore } from '../dynamodb/store.js';
import { OptionError } from '../errors.js';
import type { LocalIam } from '../iam/authority.js';
import type { IamMode } from '../iam/constants.js';
import { LOOPBACK_HOSTNAMES } from '../identity-provider/constants.js';
import { LocalIssuer } from '../identity-provider/issuer.js';
import type { LocalFunctions } from '../lambda/functions.js';
import { buildPage } from '../page/build-page.js';
import { startBackends } from './backends.js';
import { serveConnections } from './connections-server.js';
import { listen, type Listening } from './listen.js';
import { checkLimits, DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from './options.js';
import { reporter } from './reporting.js';
import { readServedApi } from './served-api.js';
import { executeApiHost } from '../template/values.js';

/** What the local IAM of a running gateway is. */
export interface GatewayIam {
  mode: IamMode;
  accountId: string;
  region: string;
  /** What of the functions' policies could not be applied (each grants nothing). */
  warnings: string[];
  /** The DynamoDB endpoint the functions use: the verifying front (the store itself with `off`). */
  functionsDbEndpoint: string;
  /** The credentials each function's environment carries (tests sign with them). */
  credentialsOf: LocalIam['credentialsOf'];
}

/** A running local gateway. */
export interface Gateway {
  /** `ws://127.0.0.1:{port}/{stage}` */
  url: string;
  /** `http://127.0.0.1:{port}/`: the page (with the `page` option). */
  pageUrl: string;
  /** `http://127.0.0.1:{port}/{stage}`: the endpoint for `ApiGatewayManagementApiClient`. */
  managementEndpoint: string;
  port: number;
  stage: string;
  /** The API's id, in AWS's form (10 lowercase letters and digits), stable for a template. */
  apiId: string;
  /** `{apiId}.execute-api.{region}.amazonaws.com`: the events' domainName; https to it from a function reaches this gateway. */
  domainName: string;
  /** What the template asks for that the twin accepts but cannot do as AWS would (printed at start). */
  warnings: string[];
  /**
   * The template's `Outputs` with local values: the API's AWS address (`wss://` and `https://`
   * {@link domainName}) becomes this gateway's (`ws://`, `http://`), so the values work as printed.
   */
  outputs: Record<string, string>;
  /** `http://127.0.0.1:{dbPort}`: the endpoint for `DynamoDBClient`. */
  dbEndpoint: string;
  /** Local table names by logical id. */
  tables: Record<string, string>;
  /**
   * The WebSocket API served: its route selection expression and route keys, and the identity
   * sources of `$connect`'s authorizer when it has one.
   */
  api: { routeSelectionExpression: string; routeKeys: string[]; connectIdentitySources?: string[] };
  registry: ConnectionRegistry;
  functions: LocalFunctions;
  /** The local DynamoDB: `pause()` makes it unreachable, `resume()` brings it back. */
  store: LocalStore;
  /** With `localIssuer`: the local OIDC issuer (`mint()` tokens; `paused` makes it unreachable). */
  issuer?: LocalIssuer;
  /** The local IAM: its mode, account, region and start-up warnings. */
  iam: GatewayIam;
  /**
   * Stops in order: refuses new handshakes; closes every connection (1001); drops queued
   * messages (their senders are gone) and waits for every `$disconnect` and running invocation
   * (at most `shutdownTimeoutMs`); then stops the functions, the IAM front, the store and the server.
   * Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** Starts the WebSocket API of a SAM template locally, with its functions and tables. */
export async function startGateway(overrides: Partial<GatewayOptions> = {}): Promise<Gateway> {
  const options: GatewayOptions = { ...DEFAULT_GATEWAY_OPTIONS, ...overrides };
  checkLimits(options);
  const listening = await listen(options);
  const started = await startParts(options, listening).catch(async (error) => {
    await closeServer(listening.server); // whatever started must stop, or the process could not exit
    throw error;
  });
  const { served, pageDir, managementEndpoint, identity, report, backends, issuer } = started;
  const registry = new ConnectionRegistry();
  const guard = backends.iam.enforced ? connectionsGuard(backends.iam, { apiId: served.apiId, stage: served.stage }) : undefined;
  const api = connectionsApi(registry, options.managementHooks ?? faultHooks(options.faults), { maxSendBufferBytes: options.maxSendBufferBytes });
  const connections = serveConnections(options, served, listening, { identity, registry, connectionsApi: api, backends, report, pageDir, issuer, guard });
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${listening.origin}/${served.stage}`,
    pageUrl: `http://${listening.origin}/`,
    managementEndpoint,
    port: listening.port,
    stage: served.stage,
    apiId: served.apiId,
    domainName: identity.domainName,
    warnings: served.warnings,
    outputs: Object.fromEntries(
      Object.entries(served.outputs).map(([name, value]) => [
        name,
        value.replaceAll(`wss://${identity.domainName}`, `ws://${listening.origin}`).replaceAll(`https://${identity.domainName}`, `http://${listening.origin}`),
      ]),
    ),
    dbEndpoint: backends.store.endpoint,
    tables: Object.fromEntries(served.tables.map((table) => [table.logicalId, table.tableName])),
    api: {
      routeSelectionExpression: served.api.routeSelectionExpression,
      routeKeys: [...served.api.routes.keys()],
      connectIdentitySources: served.api.routes.get('$connect')?.authorizer?.identitySources,
    },
    registry,
    functions: backends.functions,
    store: backends.store,
    issuer,
    iam: {
      mode: backends.iam.mode,
      accountId: backends.iam.scope.accountId,
      region: backends.iam.scope.region,
      warnings: backends.iamWarnings,
      functionsDbEndpoint: backends.front?.endpoint ?? backends.store.endpoint,
      credentialsOf: (logicalId) => backends.iam.credentialsOf(logicalId),
    },
    close: () =>
      (closing ??= (async () => {
        // Accepted asynchronous invocations run (or reach their destination) before anything stops.
        const drained = await backends.invokeApi.stopAccepting(Date.now() + options.shutdownTimeoutMs);
        if (!drained)
          options.log(`lambda: ${backends.invokeApi.pending} asynchronous invocations still under way after ${options.shutdownTimeoutMs} ms; stopping them`);
        await connections.close();
        backends.invokeApi.close();
        await backends.functions.close();
        await backends.front?.close();
        await backends.store.close();
        await closeServer(listening.server);
      })()),
  };
}

/** Everything behind the listening port: the issuer, the template's API, the page, the functions and store. */
async function startParts(options: GatewayOptions, listening: Listening) {
  const issuer = options.localIssuer ? await startIssuer(options, listening) : undefined;
  const parameterOverrides = issuer ? { ...options.parameters, AuthMode: 'jwt', JwtIssuer: issuer.url, JwtAudience: issuer.audience } : options.parameters;
  const served = readServedApi(options, parameterOverrides);
  // Built before anything starts: a page that does not build fails the start.
  const pageDir = options.page === undefined ? undefined : await buildPage(options.page);
  const managementEndpoint = `http://${listening.origin}/${served.stage}`;
  // AWS's own forms: functions that build their endpoint from them reach the gateway (lambda/sandbox/).
  const identity = { apiId: served.apiId, stage: served.stage, domainName: executeApiHost(served.apiId, options.region) };
  for (const warning of served.warnings) options.log(warning);
  const report = reporter(options);
  const lambdaEndpoint = `http://${listening.origin}`;
  const backends = await startBackends(options, served, { managementEndpoint, lambdaEndpoint }, identity, report);
  return { served, pageDir, managementEndpoint, identity, report, backends, issuer };
}

/** The local issuer, on this machine only: the authorizer fetches its keys over plain http. */
async function startIssuer(options: GatewayOptions, listening: Listening): Promise<LocalIssuer> {
  const issuer = await LocalIssuer.start(listening.origin, options.onIssuerRequest);
  if (!LOOPBACK_HOSTNAMES.includes(new URL(issuer.url).hostname as (typeof LOOPBACK_HOSTNAMES)[number])) {
    throw new OptionError(`the local issuer needs a loopback address (--host 127.0.0.1, ::1, 0.0.0.0 or ::), not ${options.host}`);
  }
  return issuer;
}
