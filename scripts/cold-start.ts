/**
 * npm run cold-start: what each function's cold start costs, built exactly as `sam build`
 * builds it (the template's esbuild settings):
 *
 *   - the bytes it reads at import (the entry and its static chunks) and of all its files;
 *   - the time to import it in a fresh Node.js process (median and min–max of --runs
 *     processes, with its NODE_OPTIONS as deployed), and the main thread's CPU meanwhile;
 *   - the reference: the unbundled SDK clients the Lambda runtime provides, imported from
 *     node_modules in the same run (alternating with the bundles), with and without creating
 *     the two clients;
 *   - the time to its first answered event: `npm run invoke` of its event file (events/)
 *     against a local gateway this script starts on free ports, --invokes times each.
 *
 * Prints Markdown and writes JSON (--out) that `npm run docs:figures -- cold-start --from FILE`
 * puts into docs/performance.md. Timings are reported, never gated: the size guard is
 * tests/unit/bundle-size.test.ts. `--save-sizes` only rewrites its committed sizes
 * (scripts/load/bundle-sizes.json). Exits 1 when an import or an invoke fails.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { buildFunction, EXIT, functionsOf, loadTemplate, RESULT_PREFIX, startGateway } from 'sam-local-websocket';
import { spread } from './load/bench-report.js';
import { bundleLoads } from './load/bundle-loads.js';
import { saveSizes, SIZE_FILE } from './load/bundle-size-check.js';
import { coldImport, type ColdImport, fileSpecifier, type ImportProbe } from './load/cold-start.js';
import { coldStartMarkdown, type ColdStartFunction, type ColdStartResult } from './load/cold-start-report.js';

const HELP = `Usage: npm run cold-start -- [options]
  --runs N         fresh processes per bundle (and for the reference) (default 15)
  --invokes N      npm run invoke runs per function after a warm-up (default 5; 0 skips)
  --out FILE       JSON results (default bench-results/cold-start.json)
  --save-sizes     only write ${SIZE_FILE} (the sizes npm test holds bundles to)`;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    invokes: { type: 'string', default: '5' },
    out: { type: 'string', default: 'bench-results/cold-start.json' },
    'save-sizes': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const whole = (name: string, raw: string, min: number) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number of at least ${min}, got "${raw}"\n\n${HELP}`);
    process.exit(2);
  }
  return value;
};
const runs = whole('runs', values.runs, 1);
const invokes = whole('invokes', values.invokes, 0);

const TEMPLATE = 'template.yaml';
/** The event file (events/) each function is invoked with. */
const EVENTS: Record<string, string> = {
  ConnectFunction: 'events/connect.json',
  DisconnectFunction: 'events/disconnect.json',
  DefaultFunction: 'events/default.json',
  BroadcastFunction: 'events/broadcast.json',
  FanOutWorkerFunction: 'events/fan-out-worker.json',
  AuthorizerFunction: 'events/authorizer.json',
};

const loads = await bundleLoads(TEMPLATE);
if (values['save-sizes']) {
  saveSizes(loads);
  console.log(`${SIZE_FILE} written`);
  process.exit(0);
}

const loadAverageAtStart = loadavg();
const authorizerEvent = JSON.parse(readFileSync(EVENTS.AuthorizerFunction, 'utf8')) as { queryStringParameters: { Auth: string } };
// Every function present: the authorizer (its event's token) and the fan-out worker.
const parameters = { AuthToken: authorizerEvent.queryStringParameters.Auth, EnableFanOut: 'true' };
const { template, baseDir } = loadTemplate(TEMPLATE);
const functions = functionsOf(template, baseDir);
const built = await Promise.all(functions.map((fn) => buildFunction(fn, baseDir)));

// The probes: each bundle as deployed (its NODE_OPTIONS), and the reference with and without its clients.
const SDK = ['@aws-sdk/client-dynamodb', '@aws-sdk/client-apigatewaymanagementapi'];
const probes: { name: string; probe: ImportProbe }[] = [
  ...functions.map((fn, index) => {
    const nodeOptions = fn.environment.NODE_OPTIONS;
    const env: Record<string, string> = typeof nodeOptions === 'string' ? { NODE_OPTIONS: nodeOptions } : {};
    return { name: fn.logicalId, probe: { specifiers: [fileSpecifier(built[index].file)], env } };
  }),
  { name: 'reference', probe: { specifiers: SDK } },
  { name: 'reference+clients', probe: { specifiers: SDK, after: 'new m[0].DynamoDBClient({});new m[1].ApiGatewayManagementApiClient({})' } },
];
const samples = new Map<string, ColdImport[]>(probes.map(({ name }) => [name, []]));
process.stderr.write(`cold imports: ${runs} rounds of ${probes.length} fresh processes …\n`);
for (let round = 0; round < runs; round++) {
  // The order rotates every round: no probe always runs first, or right after the same one.
  for (let i = 0; i < probes.length; i++) {
    const { name, probe } = probes[(i + round) % probes.length];
    samples.get(name)!.push(coldImport(probe, baseDir));
  }
}
const ms = (name: string) => spread(samples.get(name)!.map((sample) => sample.ms));
const cpu = (name: string) => spread(samples.get(name)!.map((sample) => sample.threadCpuMs));

/** Runs a command with `input` on its stdin; resolves with its exit code and output. */
function run(command: string, args: string[], cwd: string, input: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** `npm run invoke` of each function against one local gateway: wall time and REPORT Duration. */
async function firstEvents(): Promise<Map<string, { wall: number[]; duration: number[] }>> {
  const results = new Map<string, { wall: number[]; duration: number[] }>();
  const gateway = await startGateway({ template: TEMPLATE, port: 0, dbPort: 0, parameters, log: () => {} });
  try {
    const dbPort = new URL(gateway.dbEndpoint).port;
    const invoked = functions.filter((fn) => EVENTS[fn.logicalId]);
    const events = new Map(
      invoked.map((fn) => {
        const event = JSON.parse(readFileSync(EVENTS[fn.logicalId], 'utf8'));
        // A worker's event names the endpoint it posts to: this gateway's, never another port on the machine.
        if (typeof event.endpoint === 'string') event.endpoint = gateway.managementEndpoint;
        return [fn.logicalId, JSON.stringify(event)];
      }),
    );
    const invoke = async (name: string) => {
      const args = ['run', '--silent', 'invoke', '--', name, '-e', '-', '--port', String(gateway.port), '--db-port', dbPort];
      for (const [key, value] of Object.entries(parameters)) args.push('--parameter', `${key}=${value}`);
      const started = performance.now();
      // Not spawnSync: the gateway that answers the function runs in this process's event loop.
      const result = await run('npm', args, baseDir, events.get(name)!);
      const wall = performance.now() - started;
      const answered = result.status === EXIT.ok && result.stdout.split('\n').some((line) => line.startsWith(RESULT_PREFIX));
      // The REPORT line is part of the invoke command's output contract (stderr).
      const duration = /^REPORT RequestId: \S+\s+Duration: (\d+(?:\.\d+)?) ms/m.exec(result.stderr)?.[1];
      if (!answered || duration === undefined) throw new Error(`npm run invoke -- ${name} did not answer (exit ${result.status}):\n${result.stderr}`);
      return { wall: Math.round(wall), duration: Number(duration) };
    };
    process.stderr.write(`first events: ${invoked.length} functions × (1 warm-up + ${invokes}) npm run invoke …\n`);
    for (const fn of invoked) {
      await invoke(fn.logicalId);
      results.set(fn.logicalId, { wall: [], duration: [] });
    }
    for (let round = 0; round < invokes; round++) {
      for (let i = 0; i < invoked.length; i++) {
        const name = invoked[(i + round) % invoked.length].logicalId;
        const { wall, duration } = await invoke(name);
        results.get(name)!.wall.push(wall);
        results.get(name)!.duration.push(duration);
      }
    }
  } finally {
    await gateway.close();
  }
  return results;
}
const answered = invokes > 0 ? await firstEvents() : new Map<string, { wall: number[]; duration: number[] }>();

const result: ColdStartResult = {
  command: ['npm run cold-start', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  date: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, loadAverageAtStart, loadAverageAtEnd: loadavg() },
  runs,
  invokes,
  functions: functions.map((fn): ColdStartFunction => {
    const load = loads.find((candidate) => candidate.function === fn.logicalId)!;
    const first = answered.get(fn.logicalId);
    return {
      function: fn.logicalId,
      loadedBytes: load.loadedBytes,
      loadedFiles: load.loadedFiles,
      totalBytes: load.totalBytes,
      importMs: ms(fn.logicalId),
      importCpuMs: cpu(fn.logicalId),
      ...(first ? { invoke: { event: EVENTS[fn.logicalId], wallMs: spread(first.wall), durationMs: spread(first.duration) } } : {}),
    };
  }),
  reference: { importMs: ms('reference'), importCpuMs: cpu('reference'), withClientsMs: ms('reference+clients'), withClientsCpuMs: cpu('reference+clients') },
};
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify(result, null, 2));
console.log(`${coldStartMarkdown(result)}\n\nWrote ${values.out} (npm run docs:figures -- cold-start --from ${values.out} puts it into docs/performance.md)`);
