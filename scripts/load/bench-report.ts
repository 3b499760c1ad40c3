/**
 * The benchmark's JSON and its Markdown: every figure as the median with min–max over the
 * repetitions, and ratios between settings computed within each repetition first.
 */
import type { FanOutRun, FanOutSetting } from './fan-out-run.js';
import type { WorkersRun } from './worker-runs.js';
import { median } from './stats.js';

/** Median and range of one figure over the repetitions. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** A bundle's size and cold start. */
export interface BundleResult {
  function: string;
  kb: number;
  coldStartMs: Spread;
}

/** What `npm run bench` writes to bench-results/bench.json. */
export interface BenchResult {
  date: string;
  /** The command as typed, e.g. `npm run bench -- --clients 10000`. */
  command: string;
  machine: { cores: number; cpu: string; node: string; memoryGb: number; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  repeat: number;
  runs: FanOutRun[];
  /** With `--workers`: the broadcast function as the dispatcher of K fan-out workers, per K and repetition. */
  workerRuns?: WorkersRun[];
  /** Runs that failed, with why (`workers`: a run with K workers). */
  failures: { latencyMs: number; setting?: FanOutSetting; workers?: number; repetition?: number; error: string }[];
  bundles: BundleResult[];
  unbundledSdkColdStartMs?: Spread;
}

/** The median (the upper one of an even count) and the range. */
export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, n: sorted.length };
}

export const settingName = (setting: FanOutSetting): string => `${setting.client} ${setting.concurrency}`;
const sameSetting = (a: FanOutSetting, b: FanOutSetting) => a.client === b.client && a.concurrency === b.concurrency;

/** The figures reported per setting, in table order. */
const FIGURES = [
  ['p50Ms', 'p50 ms'],
  ['p99Ms', 'p99 ms'],
  ['deliveriesPerSecond', 'deliveries/s'],
  ['handlerPostsPerSecond', 'handler posts/s'],
  ['bareLoopPostsPerSecond', 'bare loop posts/s'],
  ['handlerToBare', 'handler / bare'],
  ['handlerCpuUsPerDelivery', 'handler CPU µs/delivery'],
  ['gatewayCpuUsPerPost', 'gateway CPU µs/post'],
  ['bareLoopGatewayCpuUsPerPost', 'gateway CPU µs/post, @connections only (bare loop)'],
  ['handlerPeakHeapMb', 'handler peak heap MB'],
  ['lost', 'lost'],
] as const satisfies readonly (readonly [keyof FanOutRun, string])[];

/** Runs grouped by latency and setting, in the order they first ran. */
function groups(runs: FanOutRun[]): { latencyMs: number; clients: number; setting: FanOutSetting; runs: FanOutRun[] }[] {
  const found: ReturnType<typeof groups> = [];
  for (const run of runs) {
    let group = found.find((candidate) => candidate.latencyMs === run.latencyMs && sameSetting(candidate.setting, run));
    if (!group) {
      group = { latencyMs: run.latencyMs, clients: run.clients, setting: { client: run.client, concurrency: run.concurrency }, runs: [] };
      found.push(group);
    }
    group.runs.push(run);
  }
  return found;
}

/** A ratio between two settings, computed per repetition. */
export interface Ratio {
  latencyMs: number;
  clients: number;
  label: string;
  spread: Spread;
}

/**
 * Ratios within each repetition (drift between repetitions cancels out): each bounded setting
 * against everything at once (`sdk unbounded`), p50 over p50; and for each concurrency run with
 * both clients, the SDK client against the lean poster (p50, and the handler's CPU per delivery).
 */
export function ratios(runs: FanOutRun[]): Ratio[] {
  const result: Ratio[] = [];
  const latencies = [...new Set(runs.map((run) => run.latencyMs))];
  for (const latencyMs of latencies) {
    const atLatency = runs.filter((run) => run.latencyMs === latencyMs);
    const clients = atLatency[0].clients;
    const repetitions = [...new Set(atLatency.map((run) => run.repetition))];
    const pairs = (a: FanOutSetting, b: FanOutSetting, value: (a: FanOutRun, b: FanOutRun) => number) =>
      repetitions.flatMap((repetition) => {
        const first = atLatency.find((run) => run.repetition === repetition && sameSetting(run, a));
        const second = atLatency.find((run) => run.repetition === repetition && sameSetting(run, b));
        return first && second ? [value(first, second)] : [];
      });
    const add = (label: string, values: number[]) =>
      values.length > 0 && result.push({ latencyMs, clients, label, spread: spread(values.map((v) => Math.round(v * 100) / 100)) });
    const settings = groups(atLatency).map((group) => group.setting);
    const unbounded = settings.find((setting) => setting.client === 'sdk' && setting.concurrency === 'unbounded');
    if (unbounded) {
      for (const setting of settings.filter((candidate) => candidate.concurrency !== 'unbounded')) {
        add(
          `${settingName(setting)} vs ${settingName(unbounded)}: speed (p50 of ${settingName(unbounded)} / p50)`,
          pairs(setting, unbounded, (a, b) => b.p50Ms / a.p50Ms),
        );
      }
    }
    for (const concurrency of new Set(settings.map((setting) => setting.concurrency))) {
      const lean: FanOutSetting = { client: 'lean', concurrency };
      const sdk: FanOutSetting = { client: 'sdk', concurrency };
      if (!settings.some((s) => sameSetting(s, lean)) || !settings.some((s) => sameSetting(s, sdk))) continue;
      add(
        `lean vs sdk at ${concurrency}: speed (p50 sdk / p50 lean)`,
        pairs(lean, sdk, (a, b) => b.p50Ms / a.p50Ms),
      );
      add(
        `lean vs sdk at ${concurrency}: handler CPU per delivery (sdk / lean)`,
        pairs(lean, sdk, (a, b) => b.handlerCpuUsPerDelivery / a.handlerCpuUsPerDelivery),
      );
    }
  }
  return result;
}

/** Runs with workers grouped by latency and K, in the order they first ran. */
function workerGroups(runs: WorkersRun[]): { latencyMs: number; clients: number; workers: number; workerSetting: string; runs: WorkersRun[] }[] {
  const found: ReturnType<typeof workerGroups> = [];
  for (const run of runs) {
    let group = found.find((candidate) => candidate.latencyMs === run.latencyMs && candidate.workers === run.workers);
    if (!group) {
      group = { latencyMs: run.latencyMs, clients: run.clients, workers: run.workers, workerSetting: run.workerSetting, runs: [] };
      found.push(group);
    }
    group.runs.push(run);
  }
  return found;
}

/** Each worker's rate in a run: the median over its segments. */
const perWorkerRate = (run: WorkersRun) => median(run.perWorker.map((worker) => worker.postsPerSecond));

/**
 * Ratios of each K against the smallest K run (K = 1 when the list has it), within each
 * repetition: speed (p50 of the smallest K / p50), each worker's rate, the workers' CPU per
 * delivery and the dispatch time (K / smallest K).
 */
export function workerRatios(runs: WorkersRun[]): Ratio[] {
  const result: Ratio[] = [];
  for (const latencyMs of new Set(runs.map((run) => run.latencyMs))) {
    const atLatency = runs.filter((run) => run.latencyMs === latencyMs);
    const base = Math.min(...atLatency.map((run) => run.workers));
    for (const workers of [...new Set(atLatency.map((run) => run.workers))].filter((k) => k !== base)) {
      const pairs = atLatency.flatMap((run) => {
        if (run.workers !== workers) return [];
        const first = atLatency.find((candidate) => candidate.workers === base && candidate.repetition === run.repetition);
        return first ? [[first, run] as const] : [];
      });
      const add = (label: string, value: (a: WorkersRun, b: WorkersRun) => number) => {
        const values = pairs.map(([a, b]) => value(a, b)).filter(Number.isFinite);
        if (values.length > 0) result.push({ latencyMs, clients: atLatency[0].clients, label, spread: spread(values.map((v) => Math.round(v * 100) / 100)) });
      };
      const k = (n: number) => `K=${n}`;
      add(`${k(workers)} vs ${k(base)}: speed (p50 ${k(base)} / p50 ${k(workers)})`, (a, b) => a.p50Ms / b.p50Ms);
      add(`${k(workers)} vs ${k(base)}: posts/s per worker (${k(workers)} / ${k(base)})`, (a, b) => perWorkerRate(b) / perWorkerRate(a));
      add(`${k(workers)} vs ${k(base)}: workers' CPU per delivery (${k(workers)} / ${k(base)})`, (a, b) => b.workerCpuUsPerDelivery / a.workerCpuUsPerDelivery);
      add(`${k(workers)} vs ${k(base)}: dispatch ms (${k(workers)} / ${k(base)})`, (a, b) => b.dispatchMs / a.dispatchMs);
    }
  }
  return result;
}

/** The workers' Markdown: one row per latency and K, then the ratios against the smallest K. */
export function workersMarkdown(runs: WorkersRun[], repeat: number): string[] {
  if (runs.length === 0) return [];
  const cell = (values: number[]) => (values.length === 0 ? '' : formatSpread(spread(values)));
  const lines = [
    '',
    `Fan-out workers: the broadcast function as the dispatcher of exactly K workers (K = 1 too, so every row pays the same dispatch), ` +
      `each worker with the template's client and concurrency; one warm-up broadcast per setting, then the timed ones. ` +
      `Dispatch: the dispatcher's invocation start to the last worker's start (its Invoke API 202). ` +
      `Per worker: over every worker of every repetition; the other figures over the ${repeat} repetitions. ` +
      `Lost and duplicated count every broadcast, the warm-up too.`,
    '',
    "| clients | latency | K | worker client, concurrency | threshold | p50 ms | p99 ms | dispatch ms | deliveries/s | deliveries per worker | posts/s per worker | workers' CPU µs/delivery | dispatcher CPU ms | failed workers | lost | duplicated |",
    '| ---: | ---: | ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const group of workerGroups(runs)) {
    const each = (key: 'p50Ms' | 'p99Ms' | 'dispatchMs' | 'deliveriesPerSecond' | 'workerCpuUsPerDelivery' | 'dispatcherCpuMs') =>
      cell(group.runs.map((run) => run[key]));
    const total = (key: 'failedWorkers' | 'lost' | 'duplicated') => number(group.runs.reduce((sum, run) => sum + run[key], 0));
    const workers = group.runs.flatMap((run) => run.perWorker);
    lines.push(
      `| ${number(group.clients)} | ${group.latencyMs} ms | ${group.workers} | ${group.workerSetting} | ${cell(group.runs.map((run) => run.threshold))} | ${each('p50Ms')} | ${each('p99Ms')} | ${each('dispatchMs')} | ` +
        `${each('deliveriesPerSecond')} | ${cell(workers.map((worker) => worker.deliveries))} | ${cell(workers.map((worker) => worker.postsPerSecond))} | ` +
        `${each('workerCpuUsPerDelivery')} | ${each('dispatcherCpuMs')} | ${total('failedWorkers')} | ${total('lost')} | ${total('duplicated')} |`,
    );
  }
  const computed = workerRatios(runs);
  if (computed.length > 0) {
    lines.push(
      '',
      'Workers: ratios against the smallest K, computed within each repetition, then median (min–max):',
      '',
      '| clients | latency | comparison | ratio |',
      '| ---: | ---: | :--- | ---: |',
    );
    for (const ratio of computed) lines.push(`| ${number(ratio.clients)} | ${ratio.latencyMs} ms | ${ratio.label} | ${formatSpread(ratio.spread)}× |`);
  }
  return lines;
}

const number = (value: number) => (Math.abs(value) >= 100 ? Math.round(value) : value).toLocaleString('en-US', { maximumFractionDigits: 2 });
/** `median (min–max)`, or the single value. */
export const formatSpread = (s: Spread): string => (s.min === s.max ? number(s.median) : `${number(s.median)} (${number(s.min)}–${number(s.max)})`);

/**
 * The Markdown tables, with what ran, when and where above them. `bundleSizes: false` leaves the
 * bundles' sizes out of the cold-start table (docs/performance.md shows them once, recomputed).
 */
export function benchMarkdown(result: BenchResult, { bundleSizes = true }: { bundleSizes?: boolean } = {}): string {
  const { machine } = result;
  const load = (values: number[]) => values.map((value) => value.toFixed(1)).join(' / ');
  const lines = [
    `Measured by \`${result.command}\`; ` +
      `${result.date.slice(0, 16).replace('T', ' ')} UTC; ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node.js ${machine.node}; ` +
      `load average (1/5/15 min) ${load(machine.loadAverageAtStart)} at the start and ${load(machine.loadAverageAtEnd)} at the end ` +
      `(a machine shared with other work: above ${machine.cores}, processes waited for a core). ` +
      `Each figure: median (min–max) over ${result.repeat} repetitions, the settings alternating within each repetition.`,
    '',
    `| clients | latency | client | concurrency | ${FIGURES.map(([, title]) => title).join(' | ')} |`,
    `| ---: | ---: | :--- | :--- | ${FIGURES.map(() => '---:').join(' | ')} |`,
  ];
  for (const group of groups(result.runs)) {
    const cells = FIGURES.map(([key]) => {
      const values = group.runs.flatMap((run) => (typeof run[key] === 'number' ? [run[key] as number] : []));
      return values.length === 0 ? '' : formatSpread(spread(values));
    });
    lines.push(`| ${number(group.clients)} | ${group.latencyMs} ms | ${group.setting.client} | ${group.setting.concurrency} | ${cells.join(' | ')} |`);
  }
  const computed = ratios(result.runs);
  if (computed.length > 0) {
    lines.push(
      '',
      'Ratios between settings, computed within each repetition, then median (min–max):',
      '',
      '| clients | latency | comparison | ratio |',
      '| ---: | ---: | :--- | ---: |',
    );
    for (const ratio of computed) lines.push(`| ${number(ratio.clients)} | ${ratio.latencyMs} ms | ${ratio.label} | ${formatSpread(ratio.spread)}× |`);
  }
  lines.push(...workersMarkdown(result.workerRuns ?? [], result.repeat));
  if (result.failures.length > 0) {
    lines.push(
      '',
      'Failed runs:',
      '',
      ...result.failures.map(
        (failure) =>
          `- ${failure.latencyMs} ms${failure.setting ? `, ${settingName(failure.setting)}` : ''}${failure.workers ? `, K=${failure.workers} workers` : ''}${failure.repetition ? `, repetition ${failure.repetition}` : ''}: ${failure.error}`,
      ),
    );
  }
  if (result.bundles.length > 0) {
    const runs = result.bundles[0].coldStartMs.n;
    const size = (cell: string) => (bundleSizes ? ` ${cell} |` : '');
    lines.push(
      '',
      `Bundles (cold start: importing the bundle in a fresh process, median (min–max) of ${runs}):`,
      '',
      `| function |${size('bundle KB')} cold start ms |`,
      `| :--- |${size('---:')} ---: |`,
    );
    for (const bundle of result.bundles) lines.push(`| ${bundle.function} |${size(String(bundle.kb))} ${formatSpread(bundle.coldStartMs)} |`);
    if (result.unbundledSdkColdStartMs)
      lines.push(`| (unbundled SDK clients from node_modules) |${size('')} ${formatSpread(result.unbundledSdkColdStartMs)} |`);
  }
  return lines.join('\n');
}
