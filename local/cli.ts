/**
 * npm start: runs the template's WebSocket API locally. `npm start -- --help` lists the flags.
 */
import { CLI_HELP, readCliOptions } from './cli-options.js';
import { DEFAULT_GATEWAY_OPTIONS, startGateway, type GatewayOptions } from './gateway.js';
import { nodeMajorOf } from '../tooling/sam/template.js';
import { IAM_MODES } from './iam/constants.js';

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
    options = readCliOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${CLI_HELP}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(CLI_HELP);
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
