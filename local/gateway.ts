import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { API_GATEWAY_LIMITS, CLOSE_CODES, ROUTE_KEYS } from '../functions/shared/constants.js';
import { authorizerCheck } from './authorizer.js';
import { applyConditions } from './conditions.js';
import { formatLogLine } from './emf.js';
import { faultHooks, type ConnectionsFaults } from './faults.js';
import { DEFAULT_CONTAINERS_PER_FUNCTION } from './invoker.js';
import { httpHandler } from './http.js';
import { buildPage } from './page.js';
import { ConnectionRegistry, type ManagementHooks } from './registry.js';
import { routeInvoker } from './routes.js';
import { routeSelector } from './routing.js';
import { ACCOUNT_ID, functionEnvironment, localValues, startFunctions, type EnvVars, type LocalFunctions } from './runtime.js';
import type { SessionContext } from './session.js';
import { closeServer, startStore, type LocalStore } from './store.js';
import { functionsOf, loadTemplate, parameterValues, tablesOf, webSocketApiOf } from './template.js';
import { refuseHandshake, upgradeHandler, type HandshakeCheck } from './upgrade.js';

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
  /** Rebuild and reload a function when its sources change. Default false. */
  watch: boolean;
  /** Serve the try-it page at `/`. Default true. */
  page: boolean;
  /** Containers each function may run at once (each serves one invocation at a time). Default 2. */
  containersPerFunction: number;
  /** Gateway lines (one per invocation) and the functions' own log lines. Default console.log. */
  log: (line: string) => void;
  /** Latency and failures injected into `@connections` (see faults.ts). Default none. */
  faults: Partial<ConnectionsFaults>;
  /** Lower-level `@connections` hooks (tests); override `faults`. */
  managementHooks?: ManagementHooks;
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  template: 'template.yaml',
  port: 3001,
  host: '127.0.0.1',
  dbPort: 8000,
  parameters: {},
  envVars: {},
  region: 'us-east-1',
  idleTimeoutMs: API_GATEWAY_LIMITS.idleTimeoutSeconds * 1000,
  maxDurationMs: API_GATEWAY_LIMITS.maxConnectionSeconds * 1000,
  watch: false,
  page: true,
  containersPerFunction: DEFAULT_CONTAINERS_PER_FUNCTION,
  log: (line) => console.log(line),
  faults: {},
};

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
  /** Closes every connection (running `$disconnect`), then the functions, store and server. */
  close(): Promise<void>;
}

const LOCAL_API_ID = 'local';
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Starts the WebSocket API of a SAM template locally, with its functions and tables. */
export async function startGateway(overrides: Partial<GatewayOptions> = {}): Promise<Gateway> {
  const options: GatewayOptions = { ...DEFAULT_GATEWAY_OPTIONS, ...overrides };
  const templatePath = resolve(options.template);
  const loaded = loadTemplate(templatePath);
  const parameters = parameterValues(loaded.template, options.parameters);
  // The template as it would deploy with these parameters (e.g. the authorizer on or off).
  const template = applyConditions(loaded.template, parameters);
  const { baseDir } = loaded;
  const api = webSocketApiOf(template);
  const stage = options.stage ?? parameters.StageName ?? 'dev';
  const tables = tablesOf(template);
  const selectRoute = routeSelector(api.routeSelectionExpression, new Set(api.routes.keys()));
  const registry = new ConnectionRegistry(options.managementHooks ?? faultHooks(options.faults));
  // The page is this project's, whatever template is served: built before anything starts.
  const pageDir = options.page ? await buildPage(PROJECT_ROOT) : undefined;
  const pendingWork = new Set<Promise<unknown>>();

  const server = createServer();
  // Every socket, upgraded or mid-handshake, so shutdown can end them all.
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
  const managementEndpoint = `http://${origin}/${stage}`;

  const identity = { apiId: LOCAL_API_ID, stage, domainName: `localhost:${port}` };
  let store: LocalStore | undefined;
  let functions: LocalFunctions | undefined;
  let handshakeCheck: HandshakeCheck;
  try {
    store = await startStore(tables, { port: options.dbPort, host: options.host, path: options.dbPath });
    const endpoints = { region: options.region, dynamoDbEndpoint: store.endpoint, managementEndpoint, apiId: LOCAL_API_ID };
    const values = localValues(template, parameters, tables, endpoints);
    const used = new Set([...api.routes.values()].flatMap((route) => [route.functionId, route.authorizer?.functionId ?? []].flat()));
    functions = await startFunctions(
      functionsOf(template, baseDir).filter((fn) => used.has(fn.logicalId)),
      dirname(templatePath),
      (fn) => functionEnvironment(fn, values, endpoints, options.envVars),
      { watch: options.watch, log: (name, line) => options.log(`[${name}] ${formatLogLine(line)}`), containersPerFunction: options.containersPerFunction },
    );
    const authorizer = api.routes.get(ROUTE_KEYS.connect)?.authorizer;
    handshakeCheck = authorizer
      ? authorizerCheck(authorizer, functions.get(authorizer.functionId)!, { ...identity, region: options.region, accountId: ACCOUNT_ID }, options.log)
      : async () => ({});
  } catch (error) {
    // Whatever started must stop, or the process could not exit.
    await functions?.close();
    await store?.close();
    await closeServer(server);
    throw error;
  }

  const context: SessionContext = {
    api,
    identity,
    registry,
    invoke: routeInvoker(functions, options.log),
    selectRoute,
    idleTimeoutMs: options.idleTimeoutMs,
    maxDurationMs: options.maxDurationMs,
    track: (work) => {
      const settled = work.catch((error: Error) => options.log(`gateway error: ${error.message}`));
      pendingWork.add(settled);
      void settled.finally(() => pendingWork.delete(settled));
    },
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: API_GATEWAY_LIMITS.maxPayloadBytes });
  const upgrade = upgradeHandler(context, wss, handshakeCheck);
  const stagePath = `/${stage}`;

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://${origin}`);
    if (url.pathname !== stagePath && url.pathname !== `${stagePath}/`) return refuseHandshake(socket, 403);
    context.track(upgrade(request, socket, head, url));
  });
  server.on('request', httpHandler({ stagePath, registry, pageDir }));

  const tableNames = Object.fromEntries(tables.map((table) => [table.logicalId, table.tableName]));
  const running = functions;
  const runningStore = store;
  return {
    url: `ws://${origin}${stagePath}`,
    pageUrl: `http://${origin}/`,
    managementEndpoint,
    port,
    stage,
    dbEndpoint: store.endpoint,
    tables: tableNames,
    registry,
    functions,
    store,
    close: async () => {
      for (const connection of registry.all()) connection.socket.close(CLOSE_CODES.goingAway, 'Going away');
      // Wait for the closes to arrive and their $disconnect invocations to finish.
      const deadline = Date.now() + 5000;
      while ((registry.size > 0 || pendingWork.size > 0) && Date.now() < deadline) {
        await Promise.race([...pendingWork, new Promise((done) => setTimeout(done, 20))]);
      }
      for (const client of wss.clients) client.terminate();
      wss.close();
      for (const socket of sockets) socket.destroy();
      await running.close();
      await runningStore.close();
      await closeServer(server);
    },
  };
}
