/**
 * npm start: runs the template's WebSocket API locally. `npm start -- --help` lists the flags.
 */
import { parseArgs } from 'node:util';
import { OptionError } from '../tooling/errors.js';
import { DEFAULT_FAULTS, type ConnectionsFaults } from './api-gateway/faults.js';
import { DEFAULT_GATEWAY_OPTIONS, startGateway, type GatewayOptions } from './gateway.js';
import { nodeMajorOf } from '../tooling/sam/template.js';
import { IAM_MODES, type IamMode } from './iam/constants.js';
import { envVarsFile, templateParameters, wholeNumber } from './options.js';

const D = DEFAULT_GATEWAY_OPTIONS;

/** The help text: every default is read from the gateway's own defaults, never restated. */
const HELP = `Usage: npm start -- [options]

Runs the WebSocket API of template.yaml locally: the same handlers, bundled as sam build
bundles them, behind a gateway that behaves like API Gateway, with a local DynamoDB.

Options:
  --port N              WebSocket and @connections port (default ${D.port}; env PORT)
  --host ADDR           address to listen on (default ${D.host})
  --stage NAME          stage path (default: the template's StageName default)
  --db-port N           local DynamoDB port (default ${D.dbPort}; env DB_PORT)
  --db-path DIR         keep the tables in DIR across restarts (default: in memory)
  --template FILE       SAM template (default ${D.template})
  --parameter K=V       template parameter value (repeatable)
  --env-vars FILE       environment overrides, as sam local invoke --env-vars takes them:
                        {"Parameters": {...all functions}, "BroadcastFunction": {...}}
  --auth MODE           none, token or jwt (the template's AuthMode; default: its default,
                        auto = token when a token is given, else none). jwt runs a local
                        OIDC issuer at /local-issuer on this port; mint tokens with
                        npm run token -- --sub alice
  --auth-token TOKEN    require ?Auth=TOKEN on connect: switches on the template's
                        authorizer (same as --parameter AuthToken=TOKEN). Prefer the
                        environment, AUTH_TOKEN=TOKEN npm start: arguments show in ps
  --idle-timeout S      close idle connections after S seconds (default ${D.idleTimeoutMs / 1000})
  --max-duration S      close every connection after S seconds (default ${D.maxDurationMs / 1000})
  --no-watch            do not rebuild and reload functions when their sources change
  --iam MODE            enforce (default ${D.iam}): each function's DynamoDB and
                        @connections calls are held to its template policies and
                        @connections needs a SigV4 signature; off: nothing is checked
  --containers N        containers per function, each running one invocation at a
                        time like Lambda; more invocations wait their turn (default ${D.containersPerFunction})
  --shutdown-timeout S  on stop, wait at most S seconds for every $disconnect and running
                        invocation before stopping the functions (default ${D.shutdownTimeoutMs / 1000})

Fault injection (to see how the handlers cope):
  --connections-latency MS         add MS to every @connections call (default ${DEFAULT_FAULTS.latencyMs})
  --connections-failure-rate R     answer a share R (0..1) of @connections calls with an error
  --connections-failure-status S   that error's status: 429, 500, 403 or 410 (default ${DEFAULT_FAULTS.failureStatus})
  Press d (in a terminal) to stop the local DynamoDB, and d again to restart it.
  -h, --help            show this help
`;

function readOptions(argv: string[]): Partial<GatewayOptions> | 'help' {
  const { values } = parseArgs({
    args: argv,
    allowNegative: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      stage: { type: 'string' },
      'db-port': { type: 'string' },
      'db-path': { type: 'string' },
      template: { type: 'string' },
      parameter: { type: 'string', multiple: true },
      'env-vars': { type: 'string' },
      auth: { type: 'string' },
      'auth-token': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'max-duration': { type: 'string' },
      watch: { type: 'boolean', default: true },
      containers: { type: 'string' },
      iam: { type: 'string' },
      'shutdown-timeout': { type: 'string' },
      'connections-latency': { type: 'string' },
      'connections-failure-rate': { type: 'string' },
      'connections-failure-status': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const number = wholeNumber;
  const atLeastOne = (name: string, value: number | undefined) => {
    if (value === 0) throw new OptionError(`--${name} must be at least 1`);
    return value;
  };
  const seconds = (name: string, raw: string | undefined) => {
    const value = number(name, raw);
    return value === undefined ? undefined : value * 1000;
  };
  const parameters = templateParameters(values.parameter, values['auth-token'] ?? process.env.AUTH_TOKEN);
  const auth = values.auth;
  if (auth !== undefined && !['none', 'token', 'jwt'].includes(auth)) throw new OptionError(`--auth must be none, token or jwt, got "${auth}"`);
  if (auth) parameters.AuthMode = auth;
  const options: Partial<GatewayOptions> = {
    port: number('port', values.port ?? process.env.PORT),
    host: values.host,
    stage: values.stage,
    dbPort: number('db-port', values['db-port'] ?? process.env.DB_PORT),
    dbPath: values['db-path'],
    template: values.template,
    parameters,
    envVars: envVarsFile(values['env-vars']),
    idleTimeoutMs: seconds('idle-timeout', values['idle-timeout']),
    maxDurationMs: seconds('max-duration', values['max-duration']),
    watch: values.watch,
    containersPerFunction: atLeastOne('containers', number('containers', values.containers)),
    iam: iamMode(values.iam),
    shutdownTimeoutMs: seconds('shutdown-timeout', values['shutdown-timeout']),
    faults: faultsFrom(values),
    localIssuer: auth === 'jwt' ? true : undefined,
  };
  // Unset flags keep their defaults.
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function iamMode(raw: string | undefined): IamMode | undefined {
  if (raw === undefined) return undefined;
  const modes = Object.values(IAM_MODES) as string[];
  if (!modes.includes(raw)) throw new OptionError(`--iam takes ${modes.join(' or ')}, got "${raw}"`);
  return raw as IamMode;
}

function faultsFrom(values: Record<string, unknown>): Partial<ConnectionsFaults> {
  const faults: Partial<ConnectionsFaults> = {};
  const latency = values['connections-latency'] as string | undefined;
  const rate = values['connections-failure-rate'] as string | undefined;
  const status = values['connections-failure-status'] as string | undefined;
  if (latency !== undefined) {
    faults.latencyMs = Number(latency);
    if (!Number.isFinite(faults.latencyMs) || faults.latencyMs < 0) throw new OptionError(`--connections-latency must be a number of ms, got "${latency}"`);
  }
  if (rate !== undefined) {
    faults.failureRate = Number(rate);
    if (!(faults.failureRate >= 0 && faults.failureRate <= 1)) throw new OptionError(`--connections-failure-rate must be between 0 and 1, got "${rate}"`);
  }
  if (status !== undefined) faults.failureStatus = Number(status);
  return faults;
}

/** In a terminal, `d` stops and restarts the local DynamoDB. */
function listenForKeys(gateway: Awaited<ReturnType<typeof startGateway>>, stop: () => void): void {
  if (!process.stdin.isTTY) return;
  process.stdin.on('error', () => {}); // the terminal closed: SIGHUP stops the gateway
  process.stdin.setRawMode(true);
  process.stdin.on('data', async (key: Buffer) => {
    const text = key.toString();
    if (text === '\u0003') return stop(); // Ctrl-C in raw mode
    if (text !== 'd') return;
    if (gateway.store.paused) {
      await gateway.store.resume();
      console.log('DynamoDB is back');
    } else {
      await gateway.store.pause();
      console.log('DynamoDB stopped (press d to restart it)');
    }
  });
}

function faultLines(options: Partial<GatewayOptions>): string[] {
  const { latencyMs, failureRate, failureStatus } = options.faults ?? {};
  if (!latencyMs && !failureRate) return [];
  const failures = failureRate ? `, ${failureRate * 100}% of calls fail with ${failureStatus ?? 500}` : '';
  return [`  Faults            @connections: +${latencyMs ?? 0} ms per call${failures}`, ''];
}

/** The Node.js the functions run on (this process: they are its worker threads) next to the template's runtime. */
function runtimeLine(gateway: Awaited<ReturnType<typeof startGateway>>): string {
  const runtimes = [...new Set(gateway.functions.built.map((built) => gateway.functions.get(built.logicalId)?.spec.runtime ?? 'none'))];
  const local = Number(process.versions.node.split('.')[0]);
  const differs = runtimes.some((runtime) => nodeMajorOf(runtime) !== local) ? '   (differs: run npm ci, then npm start)' : '';
  return `  Functions run on  Node.js ${process.version}   (template Runtime: ${runtimes.join(', ')})${differs}`;
}

function iamLine(gateway: Awaited<ReturnType<typeof startGateway>>): string {
  const { mode, accountId, region, warnings } = gateway.iam;
  const where = `account ${accountId}, region ${region}`;
  if (mode === IAM_MODES.off) return `  IAM               off: no call is checked (${where})`;
  const warned = warnings.length > 0 ? `; ${warnings.length} warning(s) above` : '';
  return `  IAM               enforce: functions hold to their template policies (${where}${warned}; --iam off)`;
}

function banner(gateway: Awaited<ReturnType<typeof startGateway>>, options: Partial<GatewayOptions>): string {
  const host = (options.host ?? DEFAULT_GATEWAY_OPTIONS.host) === '127.0.0.1' ? 'localhost' : options.host;
  const ws = `ws://${host}:${gateway.port}/${gateway.stage}`;
  const db = gateway.dbEndpoint.replace('127.0.0.1', 'localhost');
  const tables = Object.values(gateway.tables);
  const jwtOn = Boolean(gateway.issuer);
  const authOn = jwtOn || Boolean(options.parameters?.AuthToken);
  // The token is never printed: the lines show where it goes.
  const connectUrl = jwtOn ? `"${ws}?Auth=$(npm run -s token -- --sub alice${gateway.port === 3001 ? '' : ` --port ${gateway.port}`})"` : authOn ? `"${ws}?Auth=$AUTH_TOKEN"` : ws;
  const authNote = jwtOn
    ? '?Auth=<JWT>   (JWT authorizer on: connections need a token from the local issuer)'
    : authOn
      ? '?Auth=<token>   (authorizer on: connections need the token)'
      : '   (open: no authorizer; see AUTH_TOKEN and --auth)';
  return [
    '',
    '  Local WebSocket API is running',
    '',
    `  WebSocket URL     ${ws}${authNote}`,
    ...(gateway.issuer ? [`  Local issuer      ${gateway.issuer.url}   (audience ${gateway.issuer.audience}; a new key pair each run)`] : []),
    `  Try-it page       http://${host}:${gateway.port}/   (open it in two tabs)`,
    `  @connections      http://${host}:${gateway.port}/${gateway.stage}/@connections/{connectionId}`,
    `  Lambda Invoke     http://${host}:${gateway.port}   (AWS_ENDPOINT_URL_LAMBDA; every function of the template)`,
    `  DynamoDB          ${db}   tables: ${tables.join(', ')}`,
    runtimeLine(gateway),
    iamLine(gateway),
    '',
    ...faultLines(options),
    '  Try it (in another terminal):',
    `    npx wscat -c ${connectUrl}`,
    ...(authOn && !jwtOn ? ['    (with AUTH_TOKEN set to the token you gave npm start)'] : []),
    '    > {"action": "broadcast", "data": "Tervehdys kaikille!"}',
    '',
    '  Look inside the table:',
    `    aws dynamodb scan --endpoint-url ${db} --table-name ${tables[0] ?? '<table>'}`,
    '',
    '  One line per invocation follows (route, connection, status, time). Ctrl-C stops.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let options: Partial<GatewayOptions> | 'help';
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(HELP);
    return;
  }
  // Once the terminal is gone, writing to it fails (EIO, EPIPE): the lines are dropped, the
  // shutdown goes on.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const gateway = await startGateway({ watch: true, ...options });
  console.log(banner(gateway, options));
  const stop = stopper(gateway);
  for (const signal of STOP_SIGNALS) process.on(signal, () => stop(signal));
  listenForKeys(gateway, () => stop('Ctrl-C', 'key')); // raw mode: a key press, not a signal
  // Whatever ended npm (even SIGKILL, or SIGHUP, which npm does not relay), the gateway must
  // not live on without it, holding ports. Its parent going is one stop request, not a repeat.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    stop('parent exited', 'once');
  }, PARENT_CHECK_MS).unref();
}

/** Ctrl-C (SIGINT), SIGTERM (process managers) and SIGHUP (the terminal closing) all stop the gateway. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/**
 * One way of stopping often reaches the gateway twice: npm relays SIGINT and SIGTERM to its
 * script, so a signal sent to the whole process group (a process manager, Ctrl-C without a
 * terminal) arrives twice, the relayed copy late when the machine is busy; a closing terminal
 * sends SIGHUP and ends the parent, which the gateway also notices. A stop request this soon
 * after the first is the same request, whatever its kind.
 */
const SAME_REQUEST_MS = 2000;
/** How often the gateway checks that the process that started it (npm) is still there. */
const PARENT_CHECK_MS = 1000;

/**
 * The first stop request closes the gateway in order (every `$disconnect` runs, bounded by
 * `--shutdown-timeout`) and exits 0; a second one exits at once (code 130). `relayed`: a
 * signal, which may come twice (see SAME_REQUEST_MS); `once`: never a new request (the parent
 * went); `key`: a key press, never duplicated.
 */
function stopper(gateway: Awaited<ReturnType<typeof startGateway>>): (reason: string, kind?: 'relayed' | 'once' | 'key') => void {
  let first: { reason: string; at: number } | undefined;
  return (reason, kind = 'relayed') => {
    if (first) {
      if (kind === 'once' || (kind === 'relayed' && Date.now() - first.at < SAME_REQUEST_MS)) return;
      console.error(`${reason} again: exiting now, without waiting for $disconnect`);
      process.exit(130);
    }
    first = { reason, at: Date.now() };
    console.log(`\n${reason}: closing connections and stopping…`);
    gateway.close().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`stopping failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
}

main().catch((error) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
