/**
 * What the start command prints once the gateway listens: its URLs, the functions' Node.js, the IAM
 * mode, the injected faults and what to try. Built from the running gateway's facts, so that
 * reading it starts nothing.
 */
import type { Gateway, GatewayIam } from '../stack/gateway.js';
import { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from '../stack/options.js';
import { isLoopbackHost } from '../iam/authority.js';
import { IAM_MODES } from '../iam/constants.js';
import { nodeMajorOf } from '../template/template.js';

/** What the banner reads of a running gateway ({@link Gateway} has it all). */
export type BannerFacts = Pick<Gateway, 'port' | 'stage' | 'dbEndpoint' | 'tables' | 'api'> & {
  /** The template's Outputs with local values (printed when there are some). */
  outputs?: Record<string, string>;
  /** The local OIDC issuer (`--auth jwt`). */
  issuer?: { url: string; audience: string };
  iam: Pick<GatewayIam, 'mode' | 'accountId' | 'region' | 'warnings'>;
  functions: {
    built: readonly { logicalId: string }[];
    get(logicalId: string): { spec: { runtime?: string } } | undefined;
  };
};

function faultLines(options: Partial<GatewayOptions>): string[] {
  const { latencyMs, failureRate, failureStatus } = options.faults ?? {};
  if (!latencyMs && !failureRate) return [];
  const failures = failureRate ? `, ${failureRate * 100}% of calls fail with ${failureStatus ?? 500}` : '';
  return [`  Faults            @connections: +${latencyMs ?? 0} ms per call${failures}`, ''];
}

/** The Node.js the functions run on (this process: they are its worker threads) next to the template's runtime. */
function runtimeLine(gateway: BannerFacts, nodeVersion: string): string {
  const runtimes = [...new Set(gateway.functions.built.map((built) => gateway.functions.get(built.logicalId)?.spec.runtime ?? 'none'))];
  const local = Number(nodeVersion.replace(/^v/, '').split('.')[0]);
  const differs = runtimes.some((runtime) => nodeMajorOf(runtime) !== local) ? "   (differs: run it on the Node.js of the template's Runtime)" : '';
  return `  Functions run on  Node.js ${nodeVersion}   (template Runtime: ${runtimes.join(', ')})${differs}`;
}

/** The template's Outputs, as `sam deploy` lists them, with local values. */
function outputLines(outputs: Record<string, string>): string[] {
  const entries = Object.entries(outputs);
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([name]) => name.length));
  return ['  Outputs (local values):', ...entries.map(([name, value]) => `    ${name.padEnd(width)}  ${value}`), ''];
}

function iamLine(gateway: BannerFacts): string {
  const { mode, accountId, region, warnings } = gateway.iam;
  const where = `account ${accountId}, region ${region}`;
  if (mode === IAM_MODES.off) return `  IAM               off: no call is checked (${where})`;
  const warned = warnings.length > 0 ? `; ${warnings.length} warning(s) above` : '';
  return `  IAM               enforce: functions hold to their template policies (${where}${warned}; --iam off)`;
}

/**
 * Who can reach the gateway and with what: this machine only on a loopback host; on any other
 * host, the network, with keys the gateway did not issue refused unless `--allow-admin-keys`, and
 * the local DynamoDB's own port, which checks nothing.
 */
export function accessLine(options: Partial<GatewayOptions>, dbEndpoint: string): string {
  const host = options.host ?? DEFAULT_GATEWAY_OPTIONS.host;
  if (isLoopbackHost(host)) return `  Open to           this machine only (${host}); any access key counts as an administrator's (the aws CLI, Postman)`;
  const keys = options.allowAdminKeys
    ? "any access key counts as an administrator's (--allow-admin-keys): anyone who reaches it can do anything"
    : 'access keys it did not issue are refused (--allow-admin-keys to accept them)';
  return `  Open to           THE NETWORK (${host}): ${keys}; the DynamoDB port ${dbEndpoint} answers anyone, unchecked`;
}

/**
 * A message to try, from the template's routes: the first custom route named in the body field
 * the route selection expression reads (e.g. `{"action": "broadcast", "data": ...}`), or plain
 * text for `$default` when the expression reads no body field or there is no custom route.
 */
export function exampleMessage(api: BannerFacts['api']): string {
  const field = /^\$request\.body\.([A-Za-z_][\w]*)$/.exec(api.routeSelectionExpression)?.[1];
  const route = api.routeKeys.find((key) => !key.startsWith('$'));
  return field && route ? `{"${field}": "${route}", "data": "Tervehdys kaikille!"}` : 'Tervehdys kaikille!';
}

/**
 * The banner the start command prints for a running gateway started with `options` (the command
 * line's). The token (`AuthToken`) is never printed: the lines show where it goes
 * (`?Auth=$AUTH_TOKEN`). `nodeVersion`: the Node.js the functions run on, e.g. `v24.1.0`.
 */
export function banner(gateway: BannerFacts, options: Partial<GatewayOptions>, nodeVersion: string = process.version): string {
  const host = (options.host ?? DEFAULT_GATEWAY_OPTIONS.host) === '127.0.0.1' ? 'localhost' : options.host;
  const ws = `ws://${host}:${gateway.port}/${gateway.stage}`;
  const db = gateway.dbEndpoint.replace('127.0.0.1', 'localhost');
  const tables = Object.values(gateway.tables);
  const jwtOn = Boolean(gateway.issuer);
  // Whether $connect has an authorizer is the served API's (any template's), not the token's.
  const identitySources = gateway.api.connectIdentitySources;
  const authOn =
    !jwtOn && identitySources !== undefined && Boolean(options.parameters?.AuthToken) && identitySources.join() === 'route.request.querystring.Auth';
  const connectUrl = jwtOn
    ? `"${ws}?Auth=$(npx sam-local-websocket token --sub alice${gateway.port === 3001 ? '' : ` --port ${gateway.port}`})"`
    : authOn
      ? `"${ws}?Auth=$AUTH_TOKEN"`
      : ws;
  const authNote = jwtOn
    ? '?Auth=<JWT>   (JWT authorizer on: connections need a token from the local issuer)'
    : authOn
      ? '?Auth=<token>   (authorizer on: connections need the token)'
      : identitySources
        ? `   (authorizer on: $connect needs ${identitySources.join(', ')})`
        : '   (open: no authorizer; see AUTH_TOKEN and --auth)';
  return [
    '',
    '  Local WebSocket API is running',
    '',
    `  WebSocket URL     ${ws}${authNote}`,
    ...(gateway.issuer ? [`  Local issuer      ${gateway.issuer.url}   (audience ${gateway.issuer.audience}; a new key pair each run)`] : []),
    ...(options.page ? [`  Try-it page       http://${host}:${gateway.port}/   (open it in two tabs)`] : []),
    `  @connections      http://${host}:${gateway.port}/${gateway.stage}/@connections/{connectionId}`,
    `  Lambda Invoke     http://${host}:${gateway.port}   (AWS_ENDPOINT_URL_LAMBDA; every function of the template)`,
    `  DynamoDB          ${db}   tables: ${tables.join(', ')}`,
    runtimeLine(gateway, nodeVersion),
    iamLine(gateway),
    accessLine(options, db),
    '',
    ...outputLines(gateway.outputs ?? {}),
    ...faultLines(options),
    '  Try it (in another terminal):',
    `    npx wscat -c ${connectUrl}`,
    ...(authOn ? ['    (with AUTH_TOKEN set to the token the gateway was given)'] : []),
    `    > ${exampleMessage(gateway.api)}`,
    '',
    '  Look inside the table:',
    `    aws dynamodb scan --endpoint-url ${db} --table-name ${tables[0] ?? '<table>'}`,
    '',
    '  One line per invocation follows (route, connection, status, time). Ctrl-C stops.',
    '',
  ].join('\n');
}
