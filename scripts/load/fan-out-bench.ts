import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_CONTAINERS_PER_FUNCTION, esbuildOptions, functionsOf, type Gateway, type IamMode, type InvocationOutcome, type InvokeApiOutcome, loadTemplate, type LocalFunction, startGateway } from 'sam-local-websocket';
import { median } from './stats.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BroadcastClient } from '../../functions/shared/config.js';
import { DEFAULTS } from '../../functions/shared/constants.js';
import type { BareLoopInput } from './bare-loop.js';
import { Swarm, type MessageStats } from './swarm.js';
import { threadCpuMs } from './thread-cpu.js';
import { dispatcherSettings, percentile, round, workersRun, type WorkerPart, type WorkersBroadcast, type WorkersRun } from './worker-runs.js';

/** One setting of the broadcast function compared by the benchmark. */
export interface FanOutSetting {
  /** `BROADCAST_CONCURRENCY`: a number, or `unbounded` (everything at once). */
  concurrency: number | 'unbounded';
  /** `BROADCAST_CLIENT`: the lean poster or the SDK client. */
  client: BroadcastClient;
}

/** What one run of one setting measured (one repetition). */
export interface FanOutRun extends FanOutSetting {
  repetition: number;
  clients: number;
  broadcasts: number;
  /** Added to every `@connections` call, ms. */
  latencyMs: number;
  /** Send to the last client's receipt, per broadcast: median and 99th percentile, ms. */
  p50Ms: number;
  p99Ms: number;
  /** Clients reached per second of fan-out (clients / median fan-out time). */
  deliveriesPerSecond: number;
  /** The handler's own rate: delivered / its summary's ms (median over broadcasts). */
  handlerPostsPerSecond: number;
  /** A bare loop of posts through the same poster at the same concurrency, in the same gateway (median of as many passes). */
  bareLoopPostsPerSecond?: number;
  /** handlerPostsPerSecond / bareLoopPostsPerSecond. */
  handlerToBare?: number;
  /** The broadcast handler's CPU per delivery, µs: its container thread's CPU (measured inside it) over the deliveries. */
  handlerCpuUsPerDelivery: number;
  /** The gateway main thread's CPU per `@connections` post, µs (it serves the posts, sends the frames and runs the store). */
  gatewayCpuUsPerPost: number;
  /** The gateway main thread's CPU per post during the bare loop: the `@connections` path alone, µs. */
  bareLoopGatewayCpuUsPerPost?: number;
  /** Deliveries missing after 60 s, over all broadcasts. */
  lost: number;
  /** The most heap the broadcast handler's container used, MB. */
  handlerPeakHeapMb: number;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Bundles the bare loop exactly as the template bundles BroadcastFunction (its Metadata's
 * esbuild options), only from another entry point.
 */
async function buildBareLoop(rootDir: string): Promise<string> {
  const { template, baseDir } = loadTemplate(join(rootDir, 'template.yaml'));
  const broadcast = functionsOf(template, baseDir).find((fn) => fn.logicalId === 'BroadcastFunction');
  if (!broadcast) throw new Error('template.yaml has no BroadcastFunction to bundle the bare loop like');
  const bareLoop = {
    ...broadcast,
    codeDir: join(rootDir, 'scripts', 'load'),
    buildProperties: { ...broadcast.buildProperties, EntryPoints: ['bare-loop.ts'] },
  };
  const outdir = join(rootDir, '.build', 'bench');
  const options = esbuildOptions(bareLoop, outdir);
  await esbuild.build(options);
  return join(outdir, `bare-loop${options.outExtension?.['.js'] ?? '.js'}`);
}

/**
 * Runs the bare loop; resolves with its posts/s (median of its passes) and the gateway main
 * thread's CPU per post meanwhile: the `@connections` path alone (HTTP, the local IAM's
 * signature check, the frame to the client), with no Scan for the store to serve.
 */
async function runBareLoop(
  file: string,
  gateway: Gateway,
  setting: FanOutSetting,
  clients: number,
  passes: number,
): Promise<{ postsPerSecond: number; gatewayCpuUsPerPost: number }> {
  const unbounded = setting.concurrency === 'unbounded';
  const input: BareLoopInput = {
    endpoint: gateway.managementEndpoint,
    connectionIds: [...gateway.registry.all()].map((connection) => connection.connectionId),
    payload: 'bare',
    concurrency: unbounded ? clients : (setting.concurrency as number),
    maxSockets: unbounded ? undefined : (setting.concurrency as number),
    client: setting.client,
    passes,
  };
  // Signed as the broadcast function signs: the local IAM holds @connections calls to its policy.
  const credentials = gateway.iam.credentialsOf('BroadcastFunction');
  const cpuBefore = threadCpuMs();
  const worker = new Worker(file, {
    workerData: input,
    env: { ...process.env, AWS_REGION: gateway.iam.region, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey },
  });
  const result = await new Promise<{ rates: number[]; failed: number; failures: Record<string, number> }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const gatewayCpuMs = threadCpuMs() - cpuBefore;
  await worker.terminate();
  // A baseline with failed posts would measure the failures: the run fails instead.
  if (result.failed > 0) throw new Error(`the bare loop's posts failed ${result.failed} times (${JSON.stringify(result.failures)})`);
  return { postsPerSecond: median(result.rates), gatewayCpuUsPerPost: (gatewayCpuMs * 1000) / (input.connectionIds.length * passes) };
}

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
    const gateway = await startGateway({
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
    });
    const dispatcher = gateway.functions.get(DISPATCHER);
    const worker = gateway.functions.get(WORKER);
    if (!dispatcher || !worker) {
      await gateway.close();
      throw new Error(`template.yaml has no ${dispatcher ? WORKER : DISPATCHER}`);
    }
    const swarm = await Swarm.start().catch(async (error) => {
      await gateway.close();
      throw error;
    });
    const bench = new FanOutBench(options, gateway, swarm, heard, { ...dispatcher.environment }, { ...worker.environment });
    try {
      const opened = await swarm.open(gateway.url, options.clients, 200);
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
    broadcast.configure({ ...alone, BROADCAST_CONCURRENCY: String(setting.concurrency), BROADCAST_CLIENT: setting.client });
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
    const bare =
      bareLoop && setting.concurrency !== 'unbounded'
        ? await runBareLoop((this.bareLoopFile ??= await buildBareLoop(this.options.rootDir)), this.gateway, setting, clients, broadcasts)
        : undefined;
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
    const workerSetting = `${this.workerEnv.BROADCAST_CLIENT ?? DEFAULTS.broadcastClient} ${this.workerEnv.BROADCAST_CONCURRENCY ?? DEFAULTS.broadcastConcurrency}`;
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
    if (dispatcher.status !== 200) throw new Error(`broadcast m:${seq}: the dispatcher answered ${dispatcher.status}${dispatcher.error ? ` (${dispatcher.error.name})` : ''}`);
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
  }
}
