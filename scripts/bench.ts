/**
 * npm run bench: the broadcast fan-out through the local gateway, side by side with posting
 * everything at once through the SDK's defaults and with a bare loop of PostToConnection;
 * and each function bundle's size and cold start. Flags: see --help.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildFunction } from '../tooling/sam/bundle.js';
import { functionsOf, loadTemplate } from '../tooling/sam/template.js';
import { coldStartMs, fileSpecifier } from './load/cold-start.js';
import { benchFanOut, type FanOutResult } from './load/fan-out-bench.js';

const HELP = `Usage: npm run bench -- [options]
  --clients N          WebSocket clients (default 1000)
  --broadcasts M       broadcasts per setting, one after another (default 10)
  --latency LIST       @connections latency in ms to model AWS (default 0,20)
  --concurrency LIST   BROADCAST_CONCURRENCY settings to compare (default 200,unbounded)
  --cold-runs N        fresh processes per cold-start measurement (default 10; 0 skips)
  --no-bare-loop       skip the bare PostToConnection loop baseline
  --out FILE           JSON results (default bench-results/bench.json)`;

const { values } = parseArgs({
  allowNegative: true,
  options: {
    clients: { type: 'string', default: '1000' },
    broadcasts: { type: 'string', default: '10' },
    latency: { type: 'string', default: '0,20' },
    concurrency: { type: 'string', default: '200,unbounded' },
    'cold-runs': { type: 'string', default: '10' },
    'bare-loop': { type: 'boolean', default: true },
    out: { type: 'string', default: 'bench-results/bench.json' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const clients = Number(values.clients);
const broadcasts = Number(values.broadcasts);
const latencies = values.latency.split(',').map(Number);
const concurrencies = values.concurrency.split(',').map((value) => (value === 'unbounded' ? 'unbounded' : Number(value)));
const rootDir = process.cwd();

const fanOut: FanOutResult[] = [];
for (const latencyMs of latencies) {
  for (const concurrency of concurrencies) {
    process.stderr.write(`fan-out: ${clients} clients, ${latencyMs} ms latency, concurrency ${concurrency} …\n`);
    fanOut.push(await benchFanOut({ clients, broadcasts, latencyMs, concurrency }, { rootDir, bareLoop: values['bare-loop'] && concurrency !== 'unbounded' }));
  }
}

console.log('\nFan-out (one broadcast at a time; times from the send to the last client’s receipt)\n');
console.log('| clients | latency | concurrency | p50 ms | p99 ms | deliveries/s | handler posts/s | bare loop posts/s | handler/bare | lost | gateway peak MB | handler peak heap MB |');
console.log('| ---: | ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of fanOut) {
  const ratio = row.bareLoopPostsPerSecond ? (row.handlerPostsPerSecond / row.bareLoopPostsPerSecond).toFixed(2) : '';
  console.log(
    `| ${row.clients} | ${row.latencyMs} ms | ${row.concurrency} | ${row.p50Ms} | ${row.p99Ms} | ${row.deliveriesPerSecond} | ${row.handlerPostsPerSecond} | ${row.bareLoopPostsPerSecond ?? ''} | ${ratio} | ${row.lost} | ${row.gatewayPeakMb} | ${row.handlerPeakHeapMb} |`,
  );
}
for (const latencyMs of latencies) {
  const rows = fanOut.filter((row) => row.latencyMs === latencyMs);
  const unbounded = rows.find((row) => row.concurrency === 'unbounded');
  for (const row of rows.filter((candidate) => candidate.concurrency !== 'unbounded')) {
    if (unbounded) console.log(`At ${latencyMs} ms: concurrency ${row.concurrency} is ${(unbounded.p50Ms / row.p50Ms).toFixed(2)}x the speed of everything-at-once (p50).`);
  }
}

const coldRuns = Number(values['cold-runs']);
const bundles: { function: string; kb: number; coldStartMs?: number }[] = [];
let unbundledSdkMs: number | undefined;
if (coldRuns > 0) {
  const { template, baseDir } = loadTemplate('template.yaml');
  for (const fn of functionsOf(template, baseDir)) {
    const built = await buildFunction(fn, baseDir);
    bundles.push({ function: fn.logicalId, kb: Math.round(built.bytes / 102.4) / 10, coldStartMs: Math.round(coldStartMs([fileSpecifier(built.file)], coldRuns, rootDir) * 10) / 10 });
  }
  unbundledSdkMs = Math.round(coldStartMs(['@aws-sdk/client-dynamodb', '@aws-sdk/client-apigatewaymanagementapi'], coldRuns, rootDir) * 10) / 10;
  console.log(`\nBundles (median of ${coldRuns} fresh processes importing each)\n`);
  console.log('| function | bundle KB | cold start ms |');
  console.log('| :--- | ---: | ---: |');
  for (const bundle of bundles) console.log(`| ${bundle.function} | ${bundle.kb} | ${bundle.coldStartMs} |`);
  console.log(`| (unbundled SDK clients from node_modules) | | ${unbundledSdkMs} |`);
}

mkdirSync('bench-results', { recursive: true });
writeFileSync(values.out, JSON.stringify({ date: new Date().toISOString(), node: process.version, fanOut, bundles, unbundledSdkMs }, null, 2));
console.log(`\nWrote ${values.out}`);
