import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { API_GATEWAY_LIMITS, GATEWAY_TIMINGS, LOCAL_API_ID, ROUTE_KEYS } from '../api-gateway/constants.js';
import { authorizerCheck } from '../api-gateway/authorizer.js';
import { applyConditions, checkParameters, pseudoParameters, type LocalValues } from '../template/intrinsics.js';
import { formatLogLine } from '../lambda/emf.js';
import { OptionError } from '../errors.js';
import { LocalIssuer, type IssuerRequestEvent } from '../identity-provider/issuer.js';
import { LOOPBACK_HOSTNAMES } from '../identity-provider/constants.js';
import { faultHooks, type ConnectionsFaults } from '../api-gateway/faults.js';
import { DEFAULT_CONTAINERS_PER_FUNCTION } from '../lambda/invoker.js';
import { httpHandler } from './http-routes.js';
import { buildPage } from '../page/build-page.js';
import { ConnectionRegistry } from '../api-gateway/connection-registry.js';
import { connectionsApi, type ConnectionsApi, type ManagementHooks } from '../api-gateway/connections-api.js';
import { routeInvoker } from '../api-gateway/route-invocation.js';
import { parseRequestTarget } from '../shared/request-url.js';
import { routeSelector } from '../api-gateway/route-selection.js';
import { echoConnectProtocol } from '../api-gateway/subprotocol.js';
import {
  ACCOUNT_ID,
  containersFor,
  envVarOverrides,
  eventInvokeConfigOf,
  functionEnvironment,
  ignoredEnvVarsLine,
  localValues,
  startFunctions,
  type EnvVars,
  type LocalFunctions,
  type ReloadEvent,
} from '../lambda/functions.js';
import { invokeApi, type InvokeApiOutcome, type InvokeTarget } from '../lambda/invoke-api/invoke-api.js';
import { invokeGuard } from '../lambda/invoke-api/invoke-guard.js';
import { asyncSettingsOf, type AsyncFailure } from '../lambda/invoke-api/async-invocations.js';
import { functionLogEntry, invocationLine, type FunctionLogEntry, type InvocationOutcome } from '../api-gateway/invocation-outcome.js';
import { goAway, type SessionContext } from '../api-gateway/session.js';
import type { ApiIdentity } from '../api-gateway/events.js';
import { PendingWork } from '../api-gateway/pending-work.js';
import { closeServer, DEFAULT_STORE_PORT, startStore, type LocalStore } from '../dynamodb/store.js';
import { functionsOf, loadTemplate, parameterValues, tablesOf, webSocketApiOf } from '../template/template.js';
import { refuseHandshake, upgradeHandler, type HandshakeCheck } from '../api-gateway/upgrade.js';
import { LocalIam } from '../iam/authority.js';
import { connectionsGuard, type ConnectionsGuard } from '../api-gateway/connections-guard.js';
import { IAM_MODES, type IamMode } from '../iam/constants.js';
import { startDynamoDbFront, type DynamoDbFront } from '../dynamodb/front.js';
import { functionPolicy } from '../iam/policy.js';
import { refusalLine, type IamRefusal } from '../iam/refusal.js';

/** Options of the local gateway. Every limit has API Gateway's value as its default. */
export interface GatewayOptions {
  /** The SAM template to serve. Default `template.yaml`. */
  template: string;
  /** WebSocket and `@connections` port; 0 picks a free one. Default 3001. */
  port: number;
  /** Address to listen on. Default 127.0.0.1 (this machine only). */
  host: string;
  /** Port of the local DynamoDB-compatible store; 0 picks a free one. Default 8000. */
  dbPort: number;
  /** Folder the store persists to; in memory when unset. */
  dbPath?: string;
  /** Stage to serve. Default: the template's `StageName` parameter default, else `dev`. */
  stage?: string;
  /** Template parameter values over their defaults. */
  parameters: Record<string, string>;
  /** Environment overrides, as `sam local invoke --env-vars` takes them. */
  envVars: EnvVars;
  /** Region the functions are told they run in. Default us-east-1. */
  region: string;
  /** Close a connection with no traffic after this long. Default 10 minutes. */
  idleTimeoutMs: number;
  /** Close any connection after this long. Default 2 hours. */
  maxDurationMs: number;
  /**
   * Longest connection URL (path and query string) a handshake may have; longer is refused
   * with 414 before `$connect` runs. Default 4,096 characters (API Gateway's quota).
   */
  maxUrlLength: number;
  /**
   * Largest single data frame a client may send; a bigger one closes the connection with
   * 1009, while messages up to 128 KB may come in fragments. Default 32 KB (API Gateway's quota).
   */
  maxFrameBytes: number;
  /**
   * For every close the gateway starts (a frame over the limit, a message over 128 KB, a binary
   * frame, invalid UTF-8, a protocol error, idleness, the maximum duration, stopping, DELETE
   * `@connections`): the TCP connection is ended when the client answers the close frame, or
   * this many ms after the close began if it does not, and `$disconnect` runs then. Default
   * 1,000 ms (`ws`'s own `closeTimeout` is 30 s; a client may wait for its own before it gives up).
   */
  closeTimeoutMs: number;
  /** Rebuild and reload a function when its sources change. Default false. */
  watch: boolean;
  /** Serve the try-it page at `/`. Default true. */
  page: boolean;
  /** Containers each function may run at once (each serves one invocation at a time). Default 2. */
  containersPerFunction: number;
  /** Gateway lines (one per invocation) and the functions' own log lines. Default console.log. */
  log: (line: string) => void;
  /** Called after every invocation the gateway makes, with how it went. Default none. */
  onInvocation?: (outcome: InvocationOutcome) => void;
  /** Called with every line a function writes (and its JSON record). Default none. */
  onFunctionLog?: (entry: FunctionLogEntry) => void;
  /** Called after every invocation made through the Lambda Invoke API (each async attempt too). Default none. */
  onInvoke?: (outcome: InvokeApiOutcome) => void;
  /** Called when an asynchronous invocation failed every attempt, with its destination record. Default none. */
  onAsyncFailure?: (failure: AsyncFailure) => void;
  /** With `watch`: called after each rebuild of a changed function. Default none. */
  onReload?: (event: ReloadEvent) => void;
  /** Latency and failures injected into `@connections` (see faults.ts). Default none. */
  faults: Partial<ConnectionsFaults>;
  /** Lower-level `@connections` hooks (tests); override `faults`. */
  managementHooks?: ManagementHooks;
  /**
   * Run a local OIDC issuer on the gateway's port and serve the template in `AuthMode` jwt,
   * with `JwtIssuer` and `JwtAudience` pointing at it. Default false.
   */
  localIssuer: boolean;
  /** With `localIssuer`: called for every request the issuer answers (e.g. JWKS fetches). Default none. */
  onIssuerRequest?: (event: IssuerRequestEvent) => void;
  /**
   * `enforce`: every function's DynamoDB and `@connections` calls are signature-checked and held
   * to its template policies, and unsigned `@connections` calls are refused. `off`: nothing is
   * checked. Default `enforce`.
   */
  iam: IamMode;
  /** Called once for every call the local IAM refused. Default none. */
  onRefusal?: (refusal: IamRefusal) => void;
  /**
   * On close, the longest to wait for invocations under way (every `$disconnect`, and the
   * messages already running) before the functions are stopped. Default 30 s.
   */
  shutdownTimeoutMs: number;
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  template: 'template.yaml',
  port: 3001,
  host: '127.0.0.1',
  dbPort: DEFAULT_STORE_PORT,
  parameters: {},
  envVars: {},
  region: 'us-east-1',
  idleTimeoutMs: API_GATEWAY_LIMITS.idleTimeoutSeconds * 1000,
  maxDurationMs: API_GATEWAY_LIMITS.maxConnectionSeconds * 1000,
  maxUrlLength: API_GATEWAY_LIMITS.maxUrlLength,
  maxFrameBytes: API_GATEWAY_LIMITS.maxFrameBytes,
  closeTimeoutMs: GATEWAY_TIMINGS.closeTimeoutMs,
  watch: false,
  page: true,
  containersPerFunction: DEFAULT_CONTAINERS_PER_FUNCTION,
  log: (line) => console.log(line),
  faults: {},
  localIssuer: false,
  iam: IAM_MODES.enforce,
  shutdownTimeoutMs: 30_000,
};

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
  /** `http://127.0.0.1:{port}/`: the try-it page. */
  pageUrl: string;
  /** `http://127.0.0.1:{port}/{stage}`: the endpoint for `ApiGatewayManagementApiClient`. */
  managementEndpoint: string;
  port: number;
  stage: string;
  /** `http://127.0.0.1:{dbPort}`: the endpoint for `DynamoDBClient`. */
  dbEndpoint: string;
  /** Local table names by logical id. */
  tables: Record<string, string>;
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

const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

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
  const guard = backends.iam.enforced ? connectionsGuard(backends.iam, { apiId: LOCAL_API_ID, stage: served.stage }) : undefined;
  const api = connectionsApi(registry, options.managementHooks ?? faultHooks(options.faults));
  const connections = serveConnections(options, served, listening, { identity, registry, connectionsApi: api, backends, report, pageDir, issuer, guard });
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${listening.origin}/${served.stage}`,
    pageUrl: `http://${listening.origin}/`,
    managementEndpoint,
    port: listening.port,
    stage: served.stage,
    dbEndpoint: backends.store.endpoint,
    tables: Object.fromEntries(served.tables.map((table) => [table.logicalId, table.tableName])),
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
        await connections.close();
        backends.invokeApi.close();
        await backends.functions.close();
        await backends.front?.close();
        await backends.store.close();
        await closeServer(listening.server);
      })()),
  };
}

/** The client limits are whole numbers of at least 1: a wrong one fails the start, not a client later. */
function checkLimits(options: GatewayOptions): void {
  for (const name of ['maxUrlLength', 'maxFrameBytes', 'closeTimeoutMs'] as const) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 1) throw new OptionError(`${name} must be a whole number of at least 1, got ${value}`);
  }
}

/** Everything behind the listening port: the issuer, the template's API, the page, the functions and store. */
async function startParts(options: GatewayOptions, listening: Listening) {
  const issuer = options.localIssuer ? await startIssuer(options, listening) : undefined;
  const parameterOverrides = issuer
    ? { ...options.parameters, AuthMode: 'jwt', JwtIssuer: issuer.url, JwtAudience: issuer.audience }
    : options.parameters;
  const served = readServedApi(options, parameterOverrides);
  // The page is this project's, whatever template is served: built before anything starts.
  const pageDir = options.page ? await buildPage(PROJECT_ROOT) : undefined;
  const managementEndpoint = `http://${listening.origin}/${served.stage}`;
  const identity = { apiId: LOCAL_API_ID, stage: served.stage, domainName: `localhost:${listening.port}` };
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

/** The template as it would deploy with these parameters (e.g. the authorizer on or off), and its API. */
export function readServedApi(options: Pick<GatewayOptions, 'template' | 'region' | 'stage'>, overrides: Record<string, string>) {
  const templatePath = resolve(options.template);
  const loaded = loadTemplate(templatePath);
  const parameters = parameterValues(loaded.template, overrides);
  // What CloudFormation would refuse to deploy is refused here too.
  checkParameters(loaded.template, parameters);
  const template = applyConditions(loaded.template, { ...pseudoParameters(options.region), ...parameters });
  const api = webSocketApiOf(template);
  return {
    template,
    parameters,
    api,
    baseDir: loaded.baseDir,
    rootDir: dirname(templatePath),
    stage: options.stage ?? parameters.StageName ?? 'dev',
    tables: tablesOf(template),
  };
}
type ServedApi = ReturnType<typeof readServedApi>;

/** Listens, keeping every socket (upgraded or mid-handshake) so shutdown can end them all. */
async function listen(options: GatewayOptions) {
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => done());
  });
  const port = (server.address() as AddressInfo).port;
  // How this process reaches its own server: a wildcard address is reached on loopback.
  const reachableHost = ['0.0.0.0', '::'].includes(options.host) ? '127.0.0.1' : options.host;
  const origin = `${reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost}:${port}`;
  return { server, sockets, port, origin };
}
type Listening = Awaited<ReturnType<typeof listen>>;

/** Every invocation goes to the console line and to the caller's hook. */
function reporter(options: GatewayOptions): (outcome: InvocationOutcome) => void {
  return (outcome) => {
    options.log(invocationLine(outcome));
    options.onInvocation?.(outcome);
  };
}

/** The store, the functions the routes use, and the `$connect` authorizer's check. */
async function startBackends(
  options: GatewayOptions,
  served: ServedApi,
  localEndpoints: { managementEndpoint: string; lambdaEndpoint: string },
  identity: ApiIdentity,
  report: (outcome: InvocationOutcome) => void,
) {
  let store: LocalStore | undefined;
  let front: DynamoDbFront | undefined;
  let functions: LocalFunctions | undefined;
  try {
    store = await startStore(served.tables, { port: options.dbPort, host: options.host, path: options.dbPath });
    const storeEndpoints = { region: options.region, dynamoDbEndpoint: store.endpoint, ...localEndpoints, apiId: LOCAL_API_ID };
    const values = localValues(served.template, served.parameters, served.tables, storeEndpoints);
    // Every function runs: the routes' through API Gateway, any function through the Invoke API.
    const specs = functionsOf(served.template, served.baseDir);
    for (const fn of specs) {
      const { ignored } = envVarOverrides(fn, options.envVars);
      if (ignored.length > 0) options.log(ignoredEnvVarsLine(fn, ignored));
    }
    const { iam, warnings: iamWarnings } = localIam(options, served, specs.map((fn) => fn.logicalId), values);
    // The functions reach the store through the verifying front; people keep the store's own port.
    front = iam.enforced ? await startDynamoDbFront(iam, store.endpoint, '127.0.0.1') : undefined;
    const endpoints = { ...storeEndpoints, dynamoDbEndpoint: front?.endpoint ?? store.endpoint };
    functions = await startFunctions(
      specs,
      served.rootDir,
      (fn) => functionEnvironment(fn, values, endpoints, iam.credentialsOf(fn.logicalId), options.envVars),
      {
        watch: options.watch,
        log: (name, line) => {
          options.log(`[${name}] ${formatLogLine(line)}`);
          options.onFunctionLog?.(functionLogEntry(name, line));
        },
        containersOf: (fn) => containersFor(fn, values, options.containersPerFunction),
        onReload: options.onReload,
      },
    );
    const running = functions;
    const targets = new Map<string, InvokeTarget>(
      specs.map((fn) => [
        fn.logicalId,
        { fn: running.get(fn.logicalId)!, arn: values.getAtt(fn.logicalId, 'Arn'), async: asyncSettingsOf(eventInvokeConfigOf(fn, values)) },
      ]),
    );
    const lambdaApi = invokeApi({
      targets,
      authorize: iam.enforced ? invokeGuard(iam) : undefined,
      arnPrefix: `arn:${values.refs['AWS::Partition']}:lambda:${options.region}:${ACCOUNT_ID}:function:`,
      onInvoke: (outcome) => {
        options.log(invokeLine(outcome));
        options.onInvoke?.(outcome);
      },
      onAsyncFailure: (failure) => {
        const { condition, approximateInvokeCount: attempts } = failure.record.requestContext;
        const last = failure.record.responsePayload;
        const why = condition === 'EventAgeExceeded' ? `expired (waited past its maximum age) after ${attempts} attempt(s)` : `failed after ${attempts} attempt(s)`;
        options.log(`${failure.function}  async invocation ${why}${last ? `: ${last.errorType}: ${last.errorMessage}` : ''}; record sent to ${failure.destination ?? 'no destination (dropped)'}`);
        options.onAsyncFailure?.(failure);
      },
    });
    const authorizer = served.api.routes.get(ROUTE_KEYS.connect)?.authorizer;
    const handshakeCheck: HandshakeCheck = authorizer
      ? authorizerCheck(authorizer, functions.get(authorizer.functionId)!, { ...identity, region: options.region, accountId: ACCOUNT_ID }, report)
      : async () => ({});
    return { store, front, functions, handshakeCheck, iam, iamWarnings, invokeApi: lambdaApi };
  } catch (error) {
    await functions?.close();
    await front?.close();
    await store?.close();
    throw error;
  }
}

/** The local IAM: each function's template policy; what cannot be applied is logged once, at start. */
function localIam(options: GatewayOptions, served: ServedApi, functionIds: string[], templateValues: LocalValues) {
  // The stage served is what the template's StageName stands for, also when --stage chose it.
  const stage: Record<string, string> = served.template.Parameters?.StageName ? { StageName: served.stage } : {};
  const values: LocalValues = { ...templateValues, refs: { ...templateValues.refs, ...stage } };
  const warnings: string[] = [];
  const policies = new Map(
    functionIds.map((logicalId) => {
      const policy = functionPolicy(served.template, logicalId, values);
      warnings.push(...policy.warnings);
      return [logicalId, policy.statements] as const;
    }),
  );
  const scope = { partition: values.refs['AWS::Partition'], region: options.region, accountId: ACCOUNT_ID };
  const iam = new LocalIam(options.iam, scope, policies, (refusal) => {
    options.log(refusalLine(refusal));
    options.onRefusal?.(refusal);
  });
  if (iam.enforced) for (const warning of warnings) options.log(`iam warning: ${warning}`);
  return { iam, warnings: iam.enforced ? warnings : [] };
}

/** Serves WebSocket upgrades on the stage and plain HTTP (`@connections`, the page) on the same port. */
function serveConnections(
  options: GatewayOptions,
  served: ServedApi,
  listening: Listening,
  parts: {
    identity: ApiIdentity;
    registry: ConnectionRegistry;
    connectionsApi: ConnectionsApi;
    backends: { functions: LocalFunctions; handshakeCheck: HandshakeCheck; invokeApi: ReturnType<typeof invokeApi> };
    report: (outcome: InvocationOutcome) => void;
    pageDir?: string;
    issuer?: LocalIssuer;
    guard?: ConnectionsGuard;
  },
): { close(): Promise<void> } {
  const { registry } = parts;
  const pendingWork = new PendingWork();
  let closing = false;
  const context: SessionContext = {
    api: served.api,
    identity: parts.identity,
    registry,
    invoke: routeInvoker(parts.backends.functions, parts.report),
    selectRoute: routeSelector(served.api.routeSelectionExpression, new Set(served.api.routes.keys())),
    idleTimeoutMs: options.idleTimeoutMs,
    maxDurationMs: options.maxDurationMs,
    track: (work) => pendingWork.add(work.catch((error: Error) => options.log(`gateway error: ${error.message}`))),
    closing: () => closing,
    log: options.log,
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: API_GATEWAY_LIMITS.maxPayloadBytes,
    handleProtocols: echoConnectProtocol,
    // ws ends the TCP connection when the client answers a close frame, and destroys the socket this long after close() if it does not.
    closeTimeout: options.closeTimeoutMs,
  });
  const upgrade = upgradeHandler(context, wss, parts.backends.handshakeCheck, {
    maxUrlLength: options.maxUrlLength,
    maxFrameBytes: options.maxFrameBytes,
  });
  const stagePath = `/${served.stage}`;
  listening.server.on('upgrade', (request, socket, head) => {
    const url = parseRequestTarget(request.url);
    if (!url) return refuseHandshake(socket, 400);
    if (url.pathname !== stagePath && url.pathname !== `${stagePath}/`) return refuseHandshake(socket, 403);
    if (closing) return refuseHandshake(socket, 503); // stopping: no new connections
    context.track(upgrade(request, socket, head, url));
  });
  listening.server.on('request', httpHandler({ stagePath, connectionsApi: parts.connectionsApi, pageDir: parts.pageDir, issuer: parts.issuer, guard: parts.guard, invokeApi: parts.backends.invokeApi.handle }));
  return {
    /** Refuses new handshakes, closes every connection, and waits for `$disconnect` and running invocations (bounded). */
    close: async () => {
      closing = true;
      const deadline = Date.now() + options.shutdownTimeoutMs;
      // Queued messages would post for senders that are leaving; $disconnect is never shed.
      parts.backends.functions.drain();
      // Each close runs $disconnect before it settles, so waiting for the work waits for both.
      for (const { socket } of registry.all()) pendingWork.add(goAway(socket));
      if (!(await pendingWork.settled(deadline))) {
        options.log(`gateway: ${pendingWork.size} invocations still under way after ${options.shutdownTimeoutMs} ms; stopping them`);
      }
      for (const client of wss.clients) client.terminate();
      wss.close();
      for (const socket of listening.sockets) socket.destroy();
    },
  };
}

/** The console line of an Invoke API invocation: function, type, result, time. */
function invokeLine(outcome: InvokeApiOutcome): string {
  const result = outcome.error ? `${outcome.error.name}: ${outcome.error.message}` : 'ok';
  return `${outcome.function.padEnd(12)} ${outcome.invocationType}  ${result}  ${outcome.durationMs} ms`;
}
