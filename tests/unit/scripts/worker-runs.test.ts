import { expect } from 'chai';
import type { ConnectionStore } from '../../../functions/shared/connections.js';
import { workersNeeded } from '../../../functions/shared/dispatch.js';
import { dispatcherSettings, workersRun, type WorkerPart, type WorkersBroadcast } from '../../../scripts/load/worker-runs.js';

/** A table of `size` connections as the dispatcher's count sees it (a COUNT Scan stopping at `atMost`). */
const tableOf = (size: number) =>
  ({ countUpTo: async (atMost: number) => ({ count: Math.min(size, atMost), more: size > atMost }) }) as unknown as ConnectionStore;
const started = async (connections: number, settings: { FAN_OUT_THRESHOLD: string; FAN_OUT_WORKERS: string }) =>
  workersNeeded(tableOf(connections), { threshold: Number(settings.FAN_OUT_THRESHOLD), maxWorkers: Number(settings.FAN_OUT_WORKERS) });

describe('worker runs (the bench’s fan-out workers arithmetic)', () => {
  it('dispatcherSettings makes the real dispatcher start exactly K workers, K = 1 included, for every table of at least K', async () => {
    for (let connections = 1; connections <= 300; connections++) {
      for (let workers = 1; workers <= Math.min(connections, 24); workers++) {
        expect(await started(connections, dispatcherSettings(connections, workers)), `${connections} connections, K = ${workers}`).to.equal(workers);
      }
    }
    expect(await started(1_000_000, dispatcherSettings(1_000_000, 64))).to.equal(64);
  });

  it('rounds the threshold down: its ceiling would start fewer workers (5 connections, K = 4: 3)', async () => {
    expect(dispatcherSettings(5, 4)).to.deep.equal({ FAN_OUT_THRESHOLD: '1', FAN_OUT_WORKERS: '4' });
    expect(await started(5, { FAN_OUT_THRESHOLD: String(Math.ceil(5 / 4)), FAN_OUT_WORKERS: '4' })).to.equal(3);
  });

  it('dispatcherSettings refuses more workers than connections, and no workers', () => {
    expect(() => dispatcherSettings(3, 4)).to.throw(RangeError, '4 workers need at least as many connections, got 3');
    expect(() => dispatcherSettings(3, 0)).to.throw(RangeError, 'workers must be a whole number above 0');
  });

  const part = (segment: number, startedAt: number, delivered: number, fanOutMs: number, cpuMs = delivered / 2, ok = true): WorkerPart => ({
    segment,
    startedAt,
    ok,
    cpuMs,
    delivered,
    fanOutMs,
  });
  const broadcast = (overrides: Partial<WorkersBroadcast>): WorkersBroadcast => ({
    warmUp: false,
    sentAt: 1_000,
    lastAt: 1_500,
    delivered: 100,
    duplicates: 0,
    dispatcher: { startedAt: 1_010, cpuMs: 8 },
    workers: [part(0, 1_030, 60, 300), part(1, 1_040, 40, 100)],
    ...overrides,
  });
  const run = { workers: 2, repetition: 1, clients: 100, latencyMs: 20, threshold: 50, workerSetting: 'lean 100' };

  it('workersRun: timings over the timed broadcasts only; lost and duplicated over all of them, the warm-up too', () => {
    const figures = workersRun(run, [
      // The warm-up's cold containers: not timed, but its deliveries count.
      broadcast({
        warmUp: true,
        lastAt: 9_000,
        delivered: 99,
        duplicates: 1,
        dispatcher: { startedAt: 1_010, cpuMs: 80 },
        workers: [part(0, 5_000, 59, 9_000), part(1, 1_040, 40, 100)],
      }),
      broadcast({}),
      broadcast({ sentAt: 2_000, lastAt: 2_700, dispatcher: { startedAt: 2_010, cpuMs: 12 }, workers: [part(1, 2_070, 40, 200), part(0, 2_020, 60, 200)] }),
      broadcast({
        sentAt: 3_000,
        lastAt: 3_600,
        dispatcher: { startedAt: 3_010, cpuMs: 10 },
        workers: [part(0, 3_020, 60, 600), part(1, 3_050, 40, 400)],
        duplicates: 2,
      }),
    ]);
    expect(figures).to.deep.include({ ...run, broadcasts: 3, p50Ms: 600, p99Ms: 700, deliveriesPerSecond: 167, lost: 1, duplicated: 3, failedWorkers: 0 });
    // Dispatch: the last worker's start after the dispatcher's (30, 60 and 40 ms).
    expect(figures.dispatchMs).to.equal(40);
    expect(figures.dispatcherCpuMs).to.equal(10);
    // Per segment, medians over the timed broadcasts: segment 0 at 60 / 300, 200 and 600 ms.
    expect(figures.perWorker).to.deep.equal([
      { segment: 0, deliveries: 60, postsPerSecond: 200 },
      { segment: 1, deliveries: 40, postsPerSecond: 200 },
    ]);
    // CPU summed over workers: half a ms per delivery.
    expect(figures.workerCpuUsPerDelivery).to.equal(500);
  });

  it('workersRun counts failed workers and a broadcast no one received as lost, untimed', () => {
    const figures = workersRun(run, [
      broadcast({}),
      broadcast({ lastAt: undefined, delivered: 0, workers: [part(-1, 1_030, 0, 0, undefined, false), part(1, 1_040, 0, 0, undefined, false)] }),
    ]);
    expect(figures).to.deep.include({ broadcasts: 2, p50Ms: 500, lost: 100, failedWorkers: 2 });
  });
});
