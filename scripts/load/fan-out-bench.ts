import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_CONTAINERS_PER_FUNCTION,
  type Gateway,
  type IamMode,
  type InvocationOutcome,
  type InvokeApiOutcome,
  type LocalFunction,
  startGateway,
} from 'sam-local-websocket';
import { DEFAULTS } from '../../functions/shared/constants.js';
import { buildBareLoop, runBareLoop } from './bare-loop-run.js';
import { BENCH_VARIABLES } from './bench-posting.js';
import { benchTemplate } from './bench-template.js';
import type { FanOutRun, FanOutSetting } from './fan-out-run.js';
import { median } from './stats.js';
import { Swarm, type MessageStats } from './swarm.js';
import { threadCpuMs } from './thread-cpu.js';
import { dispatcherSettings, percentile, round, workersRun, type WorkerPart, type WorkersBroadcast, type WorkersRun } from './worker-runs.js';

const now = () => performance.timeOrigin + performance.now();

/** What a benchmark session holds for its life: one gateway at one latency, and its clients. */
export interface FanOutBenchOptions {
  clients: number;
  latencyMs: number;
  rootDir: string;
  /** The local IAM's mode (default: the gateway's, enforce, as `npm start` runs). */
  iam?: IamMode;
  /** The most fan-out workers any setting starts (none: no worker settings). */
  maxWorkers?: number;
}

const DISPATCHER = 'BroadcastFunction';
const WORKER = 'FanOutWorkerFunction';

/** A worker's `segment summary` record (functions/shared/fan-out-job.ts), the fields the bench reads. */
interface SegmentSummary {
  function_request_id: string;
  segment: number;
  totalSegments: number;
  delivered: number;
  ms: number;
}

/** What the gateway's hooks reported, as it arrives (cleared before each broadcast). */
interface Heard {
  /** The broadcast function's invocation outcomes, with the epoch ms the hook heard of its end. */
  broadcasts: (InvocationOutcome & { endedAt: number })[];
  /** Its `broadcast complete` summaries (posting itself). */
  summaries: { delivered: number; ms: number }[];
  /** The fan-out worker's Invoke API outcomes, with the epoch ms the hook heard of its end. */
  invokes: (InvokeApiOutcome & { endedAt: number })[];
  /** The workers' `segment summary` records. */
  segments: SegmentSummary[];
}

/**
 * One local gateway with `@connections` latency and N connected clients (in a child process),
 * on which settings are run in turn: each run gives the broadcast function the setting's
 * environment (fresh containers, as a configuration update on Lambda does), sends broadcasts
 * one after another and times each from its send to the last client's receipt.
 */
export class FanOutBench {
  private seq = 0;
  private bareLoopFile?: string;

  private constructor(
    private readonly options: FanOutBenchOptions,
    private readonly template: { remove(): void },
    private readonly gateway: Gateway,
    private readonly swarm: Swarm,
    private readonly heard: Heard,
    /** The template's environments, which every setting starts from. */
    private readonly dispatcherEnv: Readonly<Record<string, string>>,
    private readonly workerEnv: Readonly<Record<string, string>>,
  ) {}

  static async start(options: FanOutBenchOptions): Promise<FanOutBench> {
    const heard: Heard = { broadcasts: [], summaries: [], invokes: [], segments: [] };
    // With workers: every worker of a broadcast runs at once (a container each, reserved concurrency as high).
    const containers = Math.max(DEFAULT_CONTAINERS_PER_FUNCTION, options.maxWorkers ?? 0);
    // The broadcast function built from the bench's entry, which takes the setting of each run.
    const template = benchTemplate(join(options.rootDir, 'template.yaml'), DISPATCHER);
    const gateway = await startGateway({
      template: template.path,
      port: 0,
      dbPort: 0,
      faults: { latencyMs: options.latencyMs },
      ...(options.iam ? { iam: options.iam } : {}),
      log: () => {},
      // The workers are opt-in (EnableFanOut): the bench always has them; its own-posting runs take the
      // worker's name out of the dispatcher's environment, so they never count or dispatch.
      parameters: { EnableFanOut: 'true', ...(options.maxWorkers ? { FanOutWorkerConcurrency: String(containers) } : {}) },
      ...(options.maxWorkers ? { containersPerFunction: containers } : {}),
      onInvocation: (outcome) => outcome.route === 'broadcast' && heard.broadcasts.push({ ...outcome, endedAt: Date.now() }),
      onInvoke: (outcome) => outcome.function === WORKER && heard.invokes.push({ ...outcome, endedAt: Date.now() }),
      onFunctionLog: ({ function: name, record }) => {
        if (record?.message === 'broadcast complete') heard.summaries.push(record as unknown as { delivered: number; ms: number });
        if (name === WORKER && record?.message === 'segment summary') heard.segments.push(record as unknown as SegmentSummary);
      },
      // Every $disconnect of N clients runs before the store closes, however long that takes here.
      shutdownTimeoutMs: 600_000,
    }).catch((error) => {
      template.remove();
      throw error;
    });
    const dispatcher = gateway.functions.get(DISPATCHER);
    const worker = gateway.functions.get(WORKER);
    if (!dispatcher || !worker) {
      await gateway.close();
      template.remove();
      throw new Error(`template.yaml has no ${dispatcher ? WORKER : DISPATCHER}`);
    }
    const swarm = await Swarm.start().catch(async (error) => {
      await gateway.close();
      template.remove();
      throw error;
    });
    const bench = new FanOutBench(options, template, gateway, swarm, heard, { ...dispatcher.environment }, { ...worker.environment });
    try {
      const connectStart = performance.now();
      const opened = await swarm.open(gateway.url, options.clients, 200);
      process.stderr.write(`  connected ${options.clients} clients in ${Math.round(performance.now() - connectStart)} ms\n`);
      if (opened.failed > 0) throw new Error(`${opened.failed} clients could not connect`);
    } catch (error) {
      await bench.stop();
      throw error;
    }
    return bench;
  }

  private fn(logicalId: string): LocalFunction {
    return this.gateway.functions.get(logicalId)!;
  }

  private clear(): void {
    const { heard } = this;
    for (const list of [heard.broadcasts, heard.summaries, heard.invokes, heard.segments]) list.length = 0;
  }

  /** Sends broadcast `m:<seq>` from one client; resolves with its delivery counts once everyone has it, or after 60 s. */
  private async broadcast(): Promise<{ seq: number; sentAt: number; message?: MessageStats }> {
    const { clients } = this.options;
    const seq = this.seq++;
    const sentAt = now();
    this.swarm.send(seq % clients, JSON.stringify({ action: 'broadcast', data: `m:${seq}` }));
    const deadline = Date.now() + 60_000;
    for (;;) {
      await sleep(20);
      const [message] = (await this.swarm.report([seq])).messages;
      if ((message && message.delivered >= clients) || Date.now() > deadline) return { seq, sentAt, message };
    }
  }

  /** Runs `broadcasts` broadcasts with `setting` (then the bare loop, unless `bareLoop` is false or unbounded). */
  async run(setting: FanOutSetting, broadcasts: number, repetition: number, bareLoop: boolean): Promise<FanOutRun> {
    const { clients, latencyMs } = this.options;
    const broadcast = this.fn(DISPATCHER);
    // Posting itself whatever the table's size: without a worker function it never dispatches.
    const alone = Object.fromEntries(Object.entries(this.dispatcherEnv).filter(([name]) => name !== 'FAN_OUT_WORKER_FUNCTION'));
    broadcast.configure({ ...alone, [BENCH_VARIABLES.client]: setting.client, [BENCH_VARIABLES.concurrency]: String(setting.concurrency) });
    this.clear();
    const { broadcasts: outcomes, summaries } = this.heard;
    const fanOutMs: number[] = [];
    let lost = 0;
    let gatewayCpuMs = 0;
    for (let i = 0; i < broadcasts; i++) {
      const cpuBefore = threadCpuMs();
      const { sentAt, message } = await this.broadcast();
      lost += clients - (message?.delivered ?? 0);
      if (message) fanOutMs.push(message.lastAt - sentAt);
      gatewayCpuMs += threadCpuMs() - cpuBefore;
      // The handler's answer (its CPU) and summary arrive a moment after the last delivery.
      const answered = Date.now() + 10_000;
      while ((outcomes.length <= i || summaries.length <= i) && Date.now() < answered) await sleep(20);
      await sleep(200); // let the machine settle
    }
    const delivered = summaries.reduce((sum, summary) => sum + summary.delivered, 0);
    const handlerCpuMs = outcomes.reduce((sum, outcome) => sum + (outcome.cpuMs ?? 0), 0);
    const handlerPostsPerSecond = median(summaries.map((summary) => (summary.delivered / summary.ms) * 1000));
    const handlerPeakHeapMb = round(broadcast.peakHeapBytes / 1024 / 1024);
    let bare: Awaited<ReturnType<typeof runBareLoop>> | undefined;
    if (bareLoop && setting.concurrency !== 'unbounded') {
      this.bareLoopFile ??= await buildBareLoop(this.options.rootDir);
      bare = await runBareLoop(this.bareLoopFile, this.gateway, setting, clients, broadcasts);
    }
    const p50 = median(fanOutMs);
    return {
      ...setting,
      repetition,
      clients,
      broadcasts,
      latencyMs,
      p50Ms: round(p50),
      p99Ms: round(percentile(fanOutMs, 99)),
      deliveriesPerSecond: round((clients / p50) * 1000),
      handlerPostsPerSecond: round(handlerPostsPerSecond),
      ...(bare === undefined
        ? {}
        : {
            bareLoopPostsPerSecond: round(bare.postsPerSecond),
            handlerToBare: round(handlerPostsPerSecond / bare.postsPerSecond, 2),
            bareLoopGatewayCpuUsPerPost: round(bare.gatewayCpuUsPerPost),
          }),
      handlerCpuUsPerDelivery: round((handlerCpuMs * 1000) / Math.max(1, delivered)),
      gatewayCpuUsPerPost: round((gatewayCpuMs * 1000) / Math.max(1, delivered)),
      lost,
      handlerPeakHeapMb,
    };
  }

  /**
   * Runs `broadcasts` broadcasts (after one warm-up broadcast that starts the fresh containers,
   * checked for delivery but not timed) with the broadcast function as the dispatcher of
   * exactly `workers` workers, K = 1 included; the workers keep the template's environment.
   */
  async runWorkers(workers: number, broadcasts: number, repetition: number): Promise<WorkersRun> {
    const { clients, latencyMs } = this.options;
    if (!this.dispatcherEnv.FAN_OUT_WORKER_FUNCTION) throw new Error(`${DISPATCHER} has no FAN_OUT_WORKER_FUNCTION in template.yaml`);
    if (workers > (this.options.maxWorkers ?? 0)) throw new Error(`the bench was started for at most ${this.options.maxWorkers ?? 0} workers`);
    const settings = dispatcherSettings(clients, workers);
    this.fn(DISPATCHER).configure({ ...this.dispatcherEnv, ...settings });
    this.fn(WORKER).configure({ ...this.workerEnv });
    const measured: WorkersBroadcast[] = [];
    for (let i = 0; i <= broadcasts; i++) {
      measured.push(await this.workersBroadcast(workers, i === 0));
      await sleep(200); // let the machine settle
    }
    // The workers are the template's own: the lean poster at their BROADCAST_CONCURRENCY.
    const workerSetting = `lean ${this.workerEnv.BROADCAST_CONCURRENCY ?? DEFAULTS.broadcastConcurrency}`;
    return workersRun({ workers, repetition, clients, latencyMs, threshold: Number(settings.FAN_OUT_THRESHOLD), workerSetting }, measured);
  }

  /** One broadcast through `workers` workers: its deliveries, and its dispatcher and workers as the hooks reported them. */
  private async workersBroadcast(workers: number, warmUp: boolean): Promise<WorkersBroadcast> {
    this.clear();
    const { broadcasts: outcomes, invokes, segments } = this.heard;
    const { seq, sentAt, message } = await this.broadcast();
    // The dispatcher's outcome, every worker's outcome and summary: a moment after the last delivery.
    const answered = Date.now() + 60_000;
    while ((outcomes.length < 1 || invokes.length < workers || segments.length < workers) && Date.now() < answered) await sleep(20);
    await sleep(200); // a second copy would still be on its way
    const [final] = (await this.swarm.report([seq])).messages;
    const [dispatcher] = outcomes;
    if (!dispatcher) throw new Error(`broadcast m:${seq}: the dispatcher did not answer within 60 s`);
    if (dispatcher.status !== 200)
      throw new Error(`broadcast m:${seq}: the dispatcher answered ${dispatcher.status}${dispatcher.error ? ` (${dispatcher.error.name})` : ''}`);
    const totals = [...new Set(segments.map((summary) => summary.totalSegments))];
    if (invokes.length !== workers || totals.some((total) => total !== workers)) {
      throw new Error(`broadcast m:${seq}: ${workers} workers expected, ${invokes.length} ran (segments of ${totals.join(', ') || 'none'})`);
    }
    const parts = invokes.map((invoke): WorkerPart => {
      const summary = segments.find((candidate) => candidate.function_request_id === invoke.requestId);
      return {
        // -1: the worker left no summary (it failed before its fan-out).
        segment: summary?.segment ?? -1,
        startedAt: invoke.endedAt - invoke.durationMs,
        ok: invoke.ok,
        cpuMs: invoke.cpuMs,
        delivered: summary?.delivered ?? 0,
        fanOutMs: summary?.ms ?? 0,
      };
    });
    return {
      warmUp,
      sentAt,
      // When the last client first had it (a later second copy would move the final report's time).
      lastAt: message?.lastAt ?? final?.lastAt,
      delivered: final?.delivered ?? 0,
      duplicates: final?.duplicates ?? 0,
      dispatcher: { startedAt: dispatcher.endedAt - dispatcher.durationMs, cpuMs: dispatcher.cpuMs },
      workers: parts,
    };
  }

  /** Closes the clients and the gateway (every $disconnect runs first). */
  async stop(): Promise<void> {
    await this.swarm.stop();
    await this.gateway.close();
    this.template.remove();
  }
}
