import { expect } from 'chai';
import { benchMarkdown, formatSpread, ratios, spread, workerRatios, workersMarkdown, type BenchResult } from '../../../scripts/load/bench-report.js';
import type { FanOutRun } from '../../../scripts/load/fan-out-run.js';
import type { WorkersRun } from '../../../scripts/load/worker-runs.js';

const run = (client: 'lean' | 'sdk', concurrency: number | 'unbounded', repetition: number, p50Ms: number, handlerCpuUsPerDelivery = 100): FanOutRun => ({
  client,
  concurrency,
  repetition,
  clients: 1000,
  broadcasts: 5,
  latencyMs: 20,
  p50Ms,
  p99Ms: p50Ms * 2,
  deliveriesPerSecond: 1000,
  handlerPostsPerSecond: 1000,
  handlerCpuUsPerDelivery,
  gatewayCpuUsPerPost: 50,
  lost: 0,
  handlerPeakHeapMb: 20,
});

describe('bench report', () => {
  it('spread: the median (upper of an even count) with min and max', () => {
    expect(spread([3, 1, 2])).to.deep.equal({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([4, 1, 3, 2])).to.deep.equal({ median: 3, min: 1, max: 4, n: 4 });
    expect(formatSpread(spread([3826, 3500, 4100.4]))).to.equal('3,826 (3,500–4,100)');
    expect(formatSpread(spread([1.5]))).to.equal('1.5');
  });

  it('ratios are computed within each repetition, then summarized', () => {
    // Repetition 2 is twice as slow for every setting: the ratios do not move.
    const runs = [
      run('lean', 200, 1, 1000, 100),
      run('sdk', 200, 1, 2000, 300),
      run('sdk', 'unbounded', 1, 4000),
      run('lean', 200, 2, 2000, 100),
      run('sdk', 200, 2, 4000, 300),
      run('sdk', 'unbounded', 2, 8000),
    ];
    const byLabel = Object.fromEntries(ratios(runs).map((ratio) => [ratio.label, ratio.spread]));
    expect(byLabel['lean 200 vs sdk unbounded: speed (p50 of sdk unbounded / p50)']).to.deep.equal({ median: 4, min: 4, max: 4, n: 2 });
    expect(byLabel['sdk 200 vs sdk unbounded: speed (p50 of sdk unbounded / p50)']).to.deep.equal({ median: 2, min: 2, max: 2, n: 2 });
    expect(byLabel['lean vs sdk at 200: speed (p50 sdk / p50 lean)']).to.deep.equal({ median: 2, min: 2, max: 2, n: 2 });
    expect(byLabel['lean vs sdk at 200: handler CPU per delivery (sdk / lean)']).to.deep.equal({ median: 3, min: 3, max: 3, n: 2 });
  });

  it('the Markdown states the command, date and machine, and gives every figure as median (min–max)', () => {
    const result: BenchResult = {
      date: '2026-11-29T23:59:00.000Z',
      command: 'npm run bench -- --clients 1000',
      machine: { cores: 2, cpu: 'Test CPU', node: 'v24.21.0', memoryGb: 24, loadAverageAtStart: [3, 2, 1], loadAverageAtEnd: [4, 3, 2] },
      repeat: 2,
      runs: [run('lean', 200, 1, 1000), run('lean', 200, 2, 1200)],
      failures: [],
      bundles: [{ function: 'BroadcastFunction', kb: 383.7, coldStartMs: spread([40, 42, 45]) }],
    };
    const markdown = benchMarkdown(result);
    expect(markdown).to.include('`npm run bench -- --clients 1000`');
    expect(markdown).to.include('2026-11-29 23:59 UTC; 2 cores (Test CPU), 24 GB, Node.js v24.21.0');
    expect(markdown).to.include('| 1,000 | 20 ms | lean | 200 | 1,200 (1,000–1,200) | 2,400 (2,000–2,400) |');
    expect(markdown).to.include('| BroadcastFunction | 383.7 | 42 (40–45) |');
    // docs/performance.md shows bundle sizes once, recomputed: the bench's table without them.
    expect(benchMarkdown(result, { bundleSizes: false }))
      .to.include('| function | cold start ms |')
      .and.include('| BroadcastFunction | 42 (40–45) |')
      .and.not.include('383.7');
    // A JSON without worker runs (every one before --workers) renders as before.
    expect(markdown).to.not.include('Fan-out workers');
    // Runs from before the bare loop's gateway column leave its cell empty; the last two cells are heap and lost.
    expect(markdown).to.include('| gateway CPU µs/post | gateway CPU µs/post, @connections only (bare loop) | handler peak heap MB | lost |');
    expect(markdown).to.include('| 50 |  | 20 | 0 |');
  });

  it('gives the gateway’s CPU per post during the bare loop (the @connections path alone) beside the broadcast’s', () => {
    const withBare = (repetition: number, us: number): FanOutRun => ({ ...run('lean', 200, repetition, 1000), bareLoopGatewayCpuUsPerPost: us });
    const markdown = benchMarkdown({
      date: '2026-11-29T23:59:00.000Z',
      command: 'npm run bench',
      machine: { cores: 2, cpu: 'Test CPU', node: 'v24.21.0', memoryGb: 24, loadAverageAtStart: [1, 1, 1], loadAverageAtEnd: [1, 1, 1] },
      repeat: 3,
      runs: [withBare(1, 80), withBare(2, 95), withBare(3, 70)],
      failures: [],
      bundles: [],
    });
    expect(markdown).to.include('| 50 | 80 (70–95) | 20 | 0 |');
  });

  const workersRun = (workers: number, repetition: number, p50Ms: number, postsPerSecond: number, overrides: Partial<WorkersRun> = {}): WorkersRun => ({
    workers,
    repetition,
    clients: 300,
    broadcasts: 2,
    latencyMs: 20,
    threshold: 300 / workers,
    workerSetting: 'lean 100',
    p50Ms,
    p99Ms: p50Ms + 10,
    deliveriesPerSecond: Math.round((300 / p50Ms) * 1000),
    dispatchMs: 10 * workers,
    dispatcherCpuMs: 9,
    perWorker: Array.from({ length: workers }, (_, segment) => ({ segment, deliveries: 300 / workers, postsPerSecond })),
    workerCpuUsPerDelivery: 300 + 50 * workers,
    failedWorkers: 0,
    lost: 0,
    duplicated: 0,
    ...overrides,
  });

  it('worker ratios: each K against the smallest, within each repetition', () => {
    // Repetition 2 is twice as slow for every K: the ratios do not move.
    const runs = [workersRun(1, 1, 400, 1000), workersRun(4, 1, 800, 250), workersRun(1, 2, 800, 500), workersRun(4, 2, 1600, 125)];
    const byLabel = Object.fromEntries(workerRatios(runs).map((ratio) => [ratio.label, ratio.spread]));
    expect(byLabel).to.deep.equal({
      'K=4 vs K=1: speed (p50 K=1 / p50 K=4)': { median: 0.5, min: 0.5, max: 0.5, n: 2 },
      'K=4 vs K=1: posts/s per worker (K=4 / K=1)': { median: 0.25, min: 0.25, max: 0.25, n: 2 },
      "K=4 vs K=1: workers' CPU per delivery (K=4 / K=1)": { median: 1.43, min: 1.43, max: 1.43, n: 2 },
      'K=4 vs K=1: dispatch ms (K=4 / K=1)': { median: 4, min: 4, max: 4, n: 2 },
    });
    // Without K = 1 the smallest K is the base.
    expect(workerRatios([workersRun(2, 1, 400, 1000), workersRun(4, 1, 400, 500)]).map((ratio) => ratio.label)[0]).to.equal(
      'K=4 vs K=2: speed (p50 K=2 / p50 K=4)',
    );
  });

  it('the workers table: a row per K with per-worker figures over every worker, and lost and duplicated summed', () => {
    const runs = [
      workersRun(1, 1, 400, 1000),
      workersRun(2, 1, 500, 600, {
        perWorker: [
          { segment: 0, deliveries: 139, postsPerSecond: 600 },
          { segment: 1, deliveries: 161, postsPerSecond: 700 },
        ],
      }),
      workersRun(1, 2, 420, 900),
      workersRun(2, 2, 520, 650, {
        duplicated: 1,
        perWorker: [
          { segment: 0, deliveries: 139, postsPerSecond: 650 },
          { segment: 1, deliveries: 161, postsPerSecond: 550 },
        ],
      }),
    ];
    const markdown = workersMarkdown(runs, 2).join('\n');
    expect(markdown).to.include(
      '| 300 | 20 ms | 1 | lean 100 | 300 | 420 (400–420) | 430 (410–430) | 10 | 750 (714–750) | 300 | 1,000 (900–1,000) | 350 | 9 | 0 | 0 | 0 |',
    );
    expect(markdown).to.include(
      '| 300 | 20 ms | 2 | lean 100 | 150 | 520 (500–520) | 530 (510–530) | 20 | 600 (577–600) | 161 (139–161) | 650 (550–700) | 400 | 9 | 0 | 0 | 1 |',
    );
    expect(markdown).to.include('| 300 | 20 ms | K=2 vs K=1: speed (p50 K=1 / p50 K=2) | 0.81 (0.8–0.81)× |');
    const result: BenchResult = {
      date: '2026-11-29T23:59:00.000Z',
      command: 'npm run bench -- --workers 1,2',
      machine: { cores: 2, cpu: 'Test CPU', node: 'v24.21.0', memoryGb: 24, loadAverageAtStart: [3, 2, 1], loadAverageAtEnd: [4, 3, 2] },
      repeat: 2,
      runs: [run('lean', 200, 1, 1000)],
      workerRuns: runs,
      failures: [{ latencyMs: 20, workers: 4, repetition: 1, error: 'broadcast m:7: 4 workers expected, 3 ran (segments of 3)' }],
      bundles: [],
    };
    expect(benchMarkdown(result))
      .to.include(markdown)
      .and.include('- 20 ms, K=4 workers, repetition 1: broadcast m:7: 4 workers expected, 3 ran (segments of 3)');
  });
});
