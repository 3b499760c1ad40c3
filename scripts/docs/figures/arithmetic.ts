/**
 * Arithmetic on the measurements, AWS's prices and quotas, and the template's settings: what a
 * broadcast costs and how long it takes at scale (docs/deploy.md, docs/scaling.md). Nothing
 * here is measured; every input comes from a dataset, so a new bench run or a changed price
 * changes these figures too.
 */
import { DEFAULTS } from '../../../functions/shared/constants.js';
import { count, type Data, type View } from '../figure.js';
import { type BenchResult, type Spread, spread } from '../sources.js';
import type { TemplateTables } from './template.js';

interface Fact {
  usd?: number;
  value?: number;
}
export interface AwsFacts {
  checked: string;
  prices: Record<string, Fact>;
  quotas: Record<string, Fact>;
}

/** The inputs every view below works from. */
export function inputs(data: Data) {
  const bench = data('bench') as BenchResult;
  const facts = data('aws-facts') as AwsFacts;
  const template = data('template') as TemplateTables;
  const price = (name: string) => {
    const usd = facts.prices[name]?.usd;
    if (usd === undefined) throw new Error(`docs/figures/aws-facts.json has no price ${name}`);
    return usd;
  };
  const quota = (name: string) => {
    const value = facts.quotas[name]?.value;
    if (value === undefined) throw new Error(`docs/figures/aws-facts.json has no quota ${name}`);
    return value;
  };
  const parameter = (name: string) => Number(template.parameters.find((p) => p.name === name)?.default);
  const fn = (name: string) => {
    const found = template.functions.find((f) => f.name === name);
    if (!found) throw new Error(`template.yaml has no ${name}`);
    return found;
  };
  /** The bounded runs of one client at its highest concurrency: the handler's CPU per delivery. */
  const cpu = (client: 'lean' | 'sdk') => {
    const runs = bench.runs.filter((run) => run.client === client && run.concurrency !== 'unbounded');
    if (runs.length === 0) throw new Error(`the bench JSON has no bounded ${client} runs`);
    const concurrency = Math.max(...runs.map((run) => Number(run.concurrency)));
    return { concurrency, us: spread(runs.filter((run) => Number(run.concurrency) === concurrency).map((run) => run.handlerCpuUsPerDelivery)) };
  };
  const workerRuns = bench.workerRuns ?? [];
  const smallestK = workerRuns.length > 0 ? Math.min(...workerRuns.map((run) => run.workers)) : undefined;
  const workerBundle = bench.bundles.find((bundle) => bundle.function === 'FanOutWorkerFunction');
  return {
    bench,
    latencyMs: bench.runs[0].latencyMs,
    lean: cpu('lean'),
    sdk: cpu('sdk'),
    worker:
      smallestK === undefined
        ? undefined
        : {
            k: smallestK,
            us: spread(workerRuns.filter((run) => run.workers === smallestK).map((run) => run.workerCpuUsPerDelivery)),
            dispatchMs: spread(workerRuns.map((run) => run.dispatchMs)),
            coldStartMs: workerBundle?.coldStartMs,
          },
    price,
    quota,
    parameter,
    broadcast: fn('BroadcastFunction'),
    fanOutWorker: fn('FanOutWorkerFunction'),
    checked: facts.checked,
  };
}

/** Dollars: cents from a dollar up, two significant digits below. */
export function usd(value: number): string {
  if (value === 0) return '$0';
  return `$${value.toFixed(Math.min(12, Math.max(2, 1 - Math.floor(Math.log10(value)))))}`;
}
/** Seconds, rounded to what the inputs carry. */
export const seconds = (value: number): string =>
  value >= 100 ? `${count(Math.round(value))} s` : value >= 10 ? `${value.toFixed(0)} s` : value >= 1 ? `${value.toFixed(1)} s` : `${value.toFixed(2)} s`;
/** A rate or count rounded to two significant digits. */
export const round2 = (value: number): string => count(Number(value.toPrecision(2)));
/** A figure that comes from a measured spread: median (from the max – from the min). */
const ranged = (s: Spread, f: (x: number) => number, format: (x: number) => string) => {
  const [a, b] = [f(s.min), f(s.max)].sort((x, y) => x - y);
  return a === b ? format(f(s.median)) : `${format(f(s.median))} (${format(a)}–${format(b)})`;
};

const source = (bench: BenchResult) => `\`${bench.command}\` (${bench.date.slice(0, 10)}, docs/performance.md)`;

/** The deadline a broadcast posts within: its timeout less the margin it keeps for the posts in flight. */
const postingSeconds = (timeout: number) => timeout - Math.min(DEFAULTS.deadlineMarginMs / 1000, timeout * DEFAULTS.deadlineMarginShare);

function oneInvocation(data: Data): string {
  const x = inputs(data);
  const latencyS = x.latencyMs / 1000;
  const defaultC = x.parameter('BroadcastConcurrency');
  const deadline = postingSeconds(x.broadcast.timeout);
  const rows = [
    { client: 'lean', c: defaultC, cpu: x.lean.us },
    { client: 'lean', c: x.lean.concurrency, cpu: x.lean.us },
    { client: 'sdk', c: x.sdk.concurrency, cpu: x.sdk.us },
  ].filter((row, index, all) => all.findIndex((other) => other.client === row.client && other.c === row.c) === index);
  const ns = [1_000, 10_000, 100_000, 1_000_000];
  return [
    `CPU per delivery: the broadcast handler's, median (min–max) from ${source(x.bench)}; latency L = ${x.latencyMs} ms per \`@connections\` call, as that bench modelled it; one full vCPU (\`MemorySize\` ${count(x.broadcast.memorySize)}); posting stops ${seconds(x.broadcast.timeout - deadline)} before the function's ${x.broadcast.timeout} s timeout.`,
    '',
    `| poster | in flight c | latency bound c / L per s | CPU per delivery µs | CPU bound per s | rate R per s | most recipients before the deadline | ${ns.map((n) => `T for ${count(n)}`).join(' | ')} |`,
    `| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ${ns.map(() => '---:').join(' | ')} |`,
    ...rows.map((row) => {
      const latencyBound = row.c / latencyS;
      const rate = Math.min(latencyBound, 1e6 / row.cpu.median);
      const t = (n: number) => (n / rate > deadline ? `${seconds(n / rate)} (over)` : seconds(n / rate));
      return `| ${row.client}${row.c === defaultC && row.client === 'lean' ? ' (the defaults)' : ''} | ${row.c} | ${round2(latencyBound)} | ${ranged(
        row.cpu,
        (v) => v,
        (v) => count(Math.round(v)),
      )} | ${ranged(row.cpu, (v) => 1e6 / v, round2)} | ${round2(rate)} | ${round2(rate * deadline)} | ${ns.map(t).join(' | ')} |`;
    }),
  ].join('\n');
}

function costPerMillion(data: Data): string {
  const x = inputs(data);
  const gb = x.broadcast.memorySize / 1024;
  const perSecond = gb * x.price('lambdaArmGbSecond');
  const latencyS = x.latencyMs / 1000;
  const defaultC = x.parameter('BroadcastConcurrency');
  const million = 1e6;
  const messages = x.price('apiGatewayMessagesPerMillion');
  const scan = scanUsd(million, x.price('dynamoDbReadRequestUnitsPerMillion'), x.quota('readRequestUnitBytes'));
  const compute = (cpu: Spread, c: number) => ({ ...cpu, wall: (v: number) => million * Math.max(v / 1e6, latencyS / c) });
  const lean = compute(x.lean.us, defaultC);
  const sdk = compute(x.sdk.us, defaultC);
  const fullVcpu = x.quota('lambdaFullVcpuMb');
  const n = 10_000;
  return [
    `Prices: docs/figures/aws-facts.json (us-east-1, read ${x.checked}); CPU per delivery: ${source(x.bench)}; the broadcast function's \`MemorySize\` ${count(x.broadcast.memorySize)} (${gb.toFixed(4)} GB) on arm64, ${defaultC} posts in flight at L = ${x.latencyMs} ms: Lambda bills the wall time, the larger of the CPU time and N × L / c.`,
    '',
    '| per million deliveries | cost |',
    '| :--- | ---: |',
    `| API Gateway: a million outgoing messages | ${usd(messages)} |`,
    `| the broadcast function, lean poster | ${ranged(lean, (v) => lean.wall(v) * perSecond, usd)} |`,
    `| the broadcast function, had it posted through the SDK client | ${ranged(sdk, (v) => sdk.wall(v) * perSecond, usd)} |`,
    `| the Scan: a million connection records read, eventually consistent (about ${RECORD_BYTES} bytes each) | ${usd(scan)} |`,
    `| **total, lean poster** | **${usd(messages + lean.wall(lean.median) * perSecond + scan)}** |`,
    '',
    `One broadcast to ${count(n)} recipients, CPU-bound (lean poster, median CPU per delivery), by memory: Lambda's CPU share is memory / ${count(fullVcpu)} MB, at most one vCPU for one JavaScript loop.`,
    '',
    '| MemorySize MB | vCPU | CPU-bound time | compute cost |',
    '| ---: | ---: | ---: | ---: |',
    ...[512, 1024, fullVcpu, 3008].map((mbSize) => {
      const share = Math.min(1, mbSize / fullVcpu);
      const time = (n * x.lean.us.median) / 1e6 / share;
      return `| ${count(mbSize)} | ${share.toFixed(2)} | ${seconds(time)} | ${usd(time * (mbSize / 1024) * x.price('lambdaArmGbSecond'))} |`;
    }),
  ].join('\n');
}

/** What a stored connection record weighs for a read: names plus values (DynamoDB's item size rules). */
const RECORD_BYTES =
  'connectionId'.length +
  16 /* the id */ +
  'connectedAt'.length +
  (Math.ceil(13 / 2) + 1) /* epoch ms */ +
  'expiresAt'.length +
  (Math.ceil(10 / 2) + 1); /* epoch s */

/** Reading `items` records with a Scan, eventually consistent (half a read unit per 4 KB). */
function scanUsd(items: number, perMillionUnits: number, unitBytes: number): number {
  return ((items * RECORD_BYTES) / unitBytes / 2) * (perMillionUnits / 1e6);
}

function costPerBroadcast(data: Data): string {
  const x = inputs(data);
  const latencyS = x.latencyMs / 1000;
  const defaultC = x.parameter('BroadcastConcurrency');
  const rate = Math.min(defaultC / latencyS, 1e6 / x.lean.us.median);
  const perSecond = (x.broadcast.memorySize / 1024) * x.price('lambdaArmGbSecond');
  const ns = [1_000, 100_000, 1_000_000];
  const rows: [string, (n: number) => number][] = [
    ['outgoing WebSocket messages (N)', (n) => (n * x.price('apiGatewayMessagesPerMillion')) / 1e6],
    ['DynamoDB Scan of N records', (n) => scanUsd(n, x.price('dynamoDbReadRequestUnitsPerMillion'), x.quota('readRequestUnitBytes'))],
    [`Lambda duration, N / R at R = ${round2(rate)} per s`, (n) => (n / rate) * perSecond],
    ['Lambda requests (one, no workers)', () => x.price('lambdaRequestsPerMillion') / 1e6],
  ];
  return [
    `One invocation at the defaults (${defaultC} in flight, L = ${x.latencyMs} ms, lean poster; CPU from ${source(x.bench)}), prices from docs/figures/aws-facts.json (read ${x.checked}). A million does not fit one invocation (above): see the workers below for its duration.`,
    '',
    `| item | ${ns.map((n) => `N = ${count(n)}`).join(' | ')} |`,
    `| :--- | ${ns.map(() => '---:').join(' | ')} |`,
    ...rows.map(([label, f]) => `| ${label} | ${ns.map((n) => usd(f(n))).join(' | ')} |`),
    `| **total** | ${ns.map((n) => `**${usd(rows.reduce((sum, [, f]) => sum + f(n), 0))}**`).join(' | ')} |`,
  ].join('\n');
}

function workersAtScale(data: Data): string {
  const x = inputs(data);
  if (!x.worker) return 'The bench JSON has no fan-out worker runs (`--workers`): run the bench with `--workers 1,2,4` to fill this table.';
  const latencyS = x.latencyMs / 1000;
  const defaultC = x.parameter('BroadcastConcurrency');
  const threshold = x.parameter('FanOutThreshold');
  const maxWorkers = x.parameter('FanOutWorkers');
  const q = x.quota('accountRequestsPerSecond');
  const burst = x.quota('accountBurst');
  const rw = Math.min(defaultC / latencyS, 1e6 / x.worker.us.median);
  const perWorkerSecond = (x.fanOutWorker.memorySize / 1024) * x.price('lambdaArmGbSecond');
  const overhead = (x.worker.dispatchMs.max + (x.worker.coldStartMs?.max ?? 0)) / 1000;
  const cases = [
    { n: 100_000, k: Math.min(maxWorkers, Math.ceil(100_000 / threshold)), label: 'defaults' },
    { n: 1_000_000, k: Math.min(maxWorkers, Math.ceil(1_000_000 / threshold)), label: 'defaults' },
    { n: 1_000_000, k: 100, label: '`FanOutWorkers` 100' },
  ];
  return [
    `R_w, one worker's rate: the smaller of c / L (${defaultC} in flight at ${x.latencyMs} ms) and its CPU bound, 1 / ${count(Math.round(x.worker.us.median))} µs (the workers' CPU per delivery at K = ${x.worker.k}, median, from ${source(x.bench)}): **${round2(rw)} posts per second**. ` +
      `D + cold start: at most ${count(Math.round(x.worker.dispatchMs.max))} ms of dispatch measured locally plus ${x.worker.coldStartMs ? `${count(Math.round(x.worker.coldStartMs.max))} ms` : 'an unmeasured'} to import a worker's bundle (the slowest of the runs; Lambda's own init comes on top, not measured here). ` +
      `Q: the account's quota of ${count(q)} requests per second after a burst of ${count(burst)}, from docs/figures/aws-facts.json. K = min(\`FanOutWorkers\`, ceil(N / \`FanOutThreshold\`)), template defaults ${maxWorkers} and ${count(threshold)}.`,
    '',
    "| N | K | per worker | CPU bound N / (K × R_w) | quota bound (N − burst) / Q | T | workers' duration cost | messages cost |",
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...cases.map(({ n, k, label }) => {
      const cpuBound = n / (k * rw);
      const quotaBound = Math.max(0, n - burst) / q;
      const t = overhead + Math.max(cpuBound, quotaBound);
      // Every worker runs until the slower bound is met: the quota makes them all wait.
      const duration = k * Math.max(cpuBound, quotaBound) * perWorkerSecond;
      return `| ${count(n)} | ${k} (${label}) | ${count(Math.ceil(n / k))} | ${seconds(cpuBound)} | ${seconds(quotaBound)} | ${seconds(t)} (${cpuBound >= quotaBound ? 'CPU' : 'quota'}-bound) | ${usd(duration)} | ${usd((n * x.price('apiGatewayMessagesPerMillion')) / 1e6)} |`;
    }),
    '',
    `At the default quota, more than Q / R_w = ${(q / rw).toFixed(1)} workers buy no time: the extra posts are throttled (429), retried and then counted as failed.`,
  ].join('\n');
}

export const arithmeticViews: View[] = [
  { name: 'scaling-one-invocation', reads: ['bench', 'aws-facts', 'template'], render: oneInvocation },
  { name: 'scaling-cost-per-broadcast', reads: ['bench', 'aws-facts', 'template'], render: costPerBroadcast },
  { name: 'scaling-workers-at-scale', reads: ['bench', 'aws-facts', 'template'], render: workersAtScale },
  { name: 'costs', reads: ['bench', 'aws-facts', 'template'], render: costPerMillion },
  {
    name: 'aws-prices',
    reads: ['aws-facts'],
    render: (data) => {
      const facts = data('aws-facts') as AwsFacts & { prices: Record<string, { usd: number; what: string; source: string }> };
      return [
        `AWS list prices in us-east-1 as this project last read them (${facts.checked}; docs/figures/aws-facts.json says how each was checked). They differ by region and change: check the linked pages.`,
        '',
        '| what | price |',
        '| :--- | ---: |',
        // The price as AWS lists it, never rounded.
        ...Object.values(facts.prices).map((p) => `| [${p.what}](${p.source}) | $${Number.isInteger(p.usd * 100) ? p.usd.toFixed(2) : String(p.usd)} |`),
      ].join('\n');
    },
  },
];
