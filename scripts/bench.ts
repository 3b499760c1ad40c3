/**
 * npm run bench: the broadcast fan-out through the local gateway, each setting (lean poster or
 * SDK client, bounded or everything at once; with `--workers`, also the dispatcher of K fan-out
 * workers) run `--repeat` times in one process, alternating the settings; a bare loop of posts
 * as the baseline; and each function bundle's size and cold start. Prints Markdown tables
 * (median with min–max) and writes the JSON that `npm run docs:figures -- bench --from FILE`
 * turns into docs/performance.md's tables. Flags: see --help.
 * Exits 1 only when a run loses or duplicates a message, or fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { buildFunction, functionsOf, IAM_MODES, type IamMode, loadTemplate } from 'sam-local-websocket';
import { benchMarkdown, type BenchResult } from './load/bench-report.js';
import { bundleLoad } from './load/bundle-loads.js';
import { coldStartMs, fileSpecifier } from './load/cold-start.js';
import { BENCH_CLIENTS, type BenchClient } from './load/bench-posting.js';
import { FanOutBench } from './load/fan-out-bench.js';
import type { FanOutSetting } from './load/fan-out-run.js';

const HELP = `Usage: npm run bench -- [options]
  --clients N          WebSocket clients (default 1000)
  --broadcasts M       broadcasts per setting and repetition, one after another (default 10)
  --latency LIST       @connections latency in ms to model AWS (default 0,20)
  --concurrency LIST   posts in flight per broadcast (default 200,unbounded)
  --client LIST        posters, each run at every bounded concurrency: lean (the handlers'),
                       sdk (the SDK client it replaced) (default lean,sdk); unbounded
                       (everything at once, as sample code does) runs with the SDK client only
  --workers LIST       also run the broadcast function as the dispatcher of exactly K fan-out
                       workers, for each K (e.g. 1,2,4; K = 1 goes through one worker too), in
                       addition to the settings above, alternating with them; the workers keep
                       the template's client and concurrency. Reports per K: p50/p99, dispatch
                       time, each worker's deliveries and posts/s, the workers' CPU per delivery,
                       lost and duplicated deliveries, ratios against the smallest K (default none)
  --repeat N           repetitions of every setting, alternating the settings (default 3)
  --cold-runs N        fresh processes per cold-start measurement (default 10; 0 skips)
  --no-bare-loop       skip the bare loop baseline
  --iam MODE           the local IAM: enforce (default, as npm start runs) or off, to see what
                       its SigV4 check and policy cost the gateway's main thread
  --out FILE           JSON results (default bench-results/bench.json)`;

const { values } = parseArgs({
  allowNegative: true,
  options: {
    clients: { type: 'string', default: '1000' },
    broadcasts: { type: 'string', default: '10' },
    latency: { type: 'string', default: '0,20' },
    concurrency: { type: 'string', default: '200,unbounded' },
    client: { type: 'string', default: BENCH_CLIENTS.join(',') },
    workers: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    'cold-runs': { type: 'string', default: '10' },
    'bare-loop': { type: 'boolean', default: true },
    iam: { type: 'string' },
    out: { type: 'string', default: 'bench-results/bench.json' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const positive = (name: string, raw: string, allowZero = false) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    console.error(`--${name} must be a whole number${allowZero ? '' : ' above 0'}, got "${raw}"\n\n${HELP}`);
    process.exit(2);
  }
  return value;
};
const clients = positive('clients', values.clients);
const broadcasts = positive('broadcasts', values.broadcasts);
const repeat = positive('repeat', values.repeat);
const coldRuns = positive('cold-runs', values['cold-runs'], true);
const latencies = values.latency.split(',').map((raw) => positive('latency', raw, true));
const concurrencies = values.concurrency.split(',').map((raw) => (raw === 'unbounded' ? 'unbounded' : positive('concurrency', raw)));
const clientKinds = values.client.split(',') as BenchClient[];
const iamModes = Object.values(IAM_MODES) as string[];
if (values.iam !== undefined && !iamModes.includes(values.iam)) {
  console.error(`--iam takes ${iamModes.join(' or ')}, got "${values.iam}"`);
  process.exit(2);
}
const iam = values.iam as IamMode | undefined;
for (const kind of clientKinds) {
  if (!(BENCH_CLIENTS as readonly string[]).includes(kind)) {
    console.error(`--client takes ${BENCH_CLIENTS.join(', ')}, got "${kind}"`);
    process.exit(2);
  }
}
const workerCounts = values.workers === undefined ? [] : [...new Set(values.workers.split(',').map((raw) => positive('workers', raw)))];
const tooMany = workerCounts.find((workers) => workers > clients);
if (tooMany !== undefined) {
  console.error(`--workers ${tooMany}: each worker needs a segment of at least one client, and there are ${clients} (--clients)`);
  process.exit(2);
}
const settings = concurrencies.flatMap<FanOutSetting>((concurrency) =>
  concurrency === 'unbounded' ? [{ client: 'sdk', concurrency }] : clientKinds.map((client) => ({ client, concurrency })),
);
const rootDir = process.cwd();
const result: BenchResult = {
  date: new Date().toISOString(),
  command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  machine: {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    loadAverageAtStart: loadavg(),
    loadAverageAtEnd: [],
  },
  repeat,
  runs: [],
  ...(workerCounts.length > 0 ? { workerRuns: [] } : {}),
  failures: [],
  bundles: [],
};

for (const latencyMs of latencies) {
  let bench: FanOutBench | undefined;
  try {
    process.stderr.write(`fan-out at ${latencyMs} ms: connecting ${clients} clients …\n`);
    bench = await FanOutBench.start({ clients, latencyMs, rootDir, iam, maxWorkers: Math.max(0, ...workerCounts) || undefined });
    // A B A B …: drift over the run hits every setting alike.
    for (let repetition = 1; repetition <= repeat; repetition++) {
      for (const setting of settings) {
        process.stderr.write(`  repetition ${repetition}/${repeat}: ${setting.client}, concurrency ${setting.concurrency} …\n`);
        try {
          const run = await bench.run(setting, broadcasts, repetition, values['bare-loop']);
          result.runs.push(run);
          process.stderr.write(`    p50 ${run.p50Ms} ms, lost ${run.lost}\n`);
        } catch (error) {
          result.failures.push({ latencyMs, setting, repetition, error: (error as Error).message });
          process.stderr.write(`    failed: ${(error as Error).message}\n`);
        }
      }
      for (const workers of workerCounts) {
        process.stderr.write(`  repetition ${repetition}/${repeat}: ${workers} fan-out worker(s) …\n`);
        try {
          const run = await bench.runWorkers(workers, broadcasts, repetition);
          result.workerRuns!.push(run);
          process.stderr.write(`    p50 ${run.p50Ms} ms, dispatch ${run.dispatchMs} ms, lost ${run.lost}, duplicated ${run.duplicated}\n`);
        } catch (error) {
          result.failures.push({ latencyMs, workers, repetition, error: (error as Error).message });
          process.stderr.write(`    failed: ${(error as Error).message}\n`);
        }
      }
    }
  } catch (error) {
    result.failures.push({ latencyMs, error: (error as Error).message });
  } finally {
    process.stderr.write(`  closing: ${clients} $disconnect invocations …\n`);
    await bench?.stop();
  }
}

if (coldRuns > 0) {
  process.stderr.write(`cold starts: ${coldRuns} fresh processes per bundle …\n`);
  const { template, baseDir } = loadTemplate('template.yaml');
  for (const fn of functionsOf(template, baseDir)) {
    const built = await buildFunction(fn, baseDir);
    // As deployed: with the function's NODE_OPTIONS (template Globals: --enable-source-maps).
    const nodeOptions: Record<string, string> = typeof fn.environment.NODE_OPTIONS === 'string' ? { NODE_OPTIONS: fn.environment.NODE_OPTIONS } : {};
    // What the import reads: the entry and the chunks it imports statically (npm run cold-start reports more).
    const { loadedBytes } = await bundleLoad(fn, baseDir);
    result.bundles.push({
      function: fn.logicalId,
      kb: Math.round(loadedBytes / 102.4) / 10,
      coldStartMs: coldStartMs([fileSpecifier(built.file)], coldRuns, rootDir, nodeOptions),
    });
  }
  result.unbundledSdkColdStartMs = coldStartMs(['@aws-sdk/client-dynamodb', '@aws-sdk/client-apigatewaymanagementapi'], coldRuns, rootDir);
}
result.machine.loadAverageAtEnd = loadavg();

mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify(result, null, 2));
console.log(
  `\n${benchMarkdown(result)}\n\nWrote ${values.out} (npm run docs:figures -- bench --from ${values.out} puts these tables into docs/performance.md)`,
);
const workerRuns = result.workerRuns ?? [];
const lost = [...result.runs, ...workerRuns].reduce((sum, run) => sum + run.lost, 0);
// Exactly once: a second copy fails the run like a missing one.
const duplicated = workerRuns.reduce((sum, run) => sum + run.duplicated, 0);
if (lost > 0 || duplicated > 0 || result.failures.length > 0) {
  console.error(`\n${lost} deliveries lost, ${duplicated} duplicated, ${result.failures.length} runs failed`);
  process.exitCode = 1;
}
