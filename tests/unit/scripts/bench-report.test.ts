import { expect } from 'chai';
import { benchMarkdown, formatSpread, ratios, spread, type BenchResult } from '../../../scripts/load/bench-report.js';
import type { FanOutRun } from '../../../scripts/load/fan-out-bench.js';

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
  });
});
