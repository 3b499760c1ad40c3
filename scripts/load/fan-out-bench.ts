import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { esbuildOptions } from '../../tooling/sam/bundle.js';
import { startGateway, type Gateway } from '../../local/gateway.js';
import type { BroadcastClient } from '../../functions/shared/config.js';
import { functionsOf, loadTemplate } from '../../tooling/sam/template.js';
import type { BareLoopInput } from './bare-loop.js';
import type { InvocationOutcome } from '../../local/api-gateway/invocation-outcome.js';
import { Swarm } from './swarm.js';
import { median, sleep } from '../../tooling/time.js';
import { threadCpuMs } from './thread-cpu.js';

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
  /** Deliveries missing after 60 s, over all broadcasts. */
  lost: number;
  /** The most heap the broadcast handler's container used, MB. */
  handlerPeakHeapMb: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
const now = () => performance.timeOrigin + performance.now();
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

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

async function runBareLoop(file: string, gateway: Gateway, setting: FanOutSetting, clients: number, passes: number): Promise<number> {
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
  const worker = new Worker(file, {
    workerData: input,
    env: { ...process.env, AWS_REGION: gateway.iam.region, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey },
  });
  const result = await new Promise<{ rates: number[]; failed: number; failures: Record<string, number> }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  // A baseline with failed posts would measure the failures: the run fails instead.
  if (result.failed > 0) throw new Error(`the bare loop's posts failed ${result.failed} times (${JSON.stringify(result.failures)})`);
  return median(result.rates);
}

/** What a benchmark session holds for its life: one gateway at one latency, and its clients. */
export interface FanOutBenchOptions {
  clients: number;
  latencyMs: number;
  rootDir: string;
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
    /** The broadcast handler's summaries and invocation outcomes, as they arrive. */
    private readonly summaries: { delivered: number; ms: number }[],
    private readonly outcomes: InvocationOutcome[],
  ) {}

  static async start(options: FanOutBenchOptions): Promise<FanOutBench> {
    const summaries: { delivered: number; ms: number }[] = [];
    const outcomes: InvocationOutcome[] = [];
    const gateway = await startGateway({
      port: 0,
      dbPort: 0,
      faults: { latencyMs: options.latencyMs },
      log: () => {},
      onInvocation: (outcome) => outcome.route === 'broadcast' && outcomes.push(outcome),
      onFunctionLog: ({ record }) => {
        if (record?.message === 'broadcast complete') summaries.push(record as unknown as { delivered: number; ms: number });
      },
      // Every $disconnect of N clients runs before the store closes, however long that takes here.
      shutdownTimeoutMs: 600_000,
    });
    const swarm = await Swarm.start().catch(async (error) => {
      await gateway.close();
      throw error;
    });
    const bench = new FanOutBench(options, gateway, swarm, summaries, outcomes);
    try {
      const opened = await swarm.open(gateway.url, options.clients, 200);
      if (opened.failed > 0) throw new Error(`${opened.failed} clients could not connect`);
    } catch (error) {
      await bench.stop();
      throw error;
    }
    return bench;
  }

  /** Runs `broadcasts` broadcasts with `setting` (then the bare loop, unless `bareLoop` is false or unbounded). */
  async run(setting: FanOutSetting, broadcasts: number, repetition: number, bareLoop: boolean): Promise<FanOutRun> {
    const { clients, latencyMs } = this.options;
    const broadcast = this.gateway.functions.get('BroadcastFunction');
    if (!broadcast) throw new Error('template.yaml has no BroadcastFunction');
    broadcast.configure({ ...broadcast.environment, BROADCAST_CONCURRENCY: String(setting.concurrency), BROADCAST_CLIENT: setting.client });
    this.summaries.length = 0;
    this.outcomes.length = 0;
    const fanOutMs: number[] = [];
    let lost = 0;
    let gatewayCpuMs = 0;
    for (let i = 0; i < broadcasts; i++) {
      const seq = this.seq++;
      const cpuBefore = threadCpuMs();
      const sentAt = now();
      this.swarm.send(seq % clients, JSON.stringify({ action: 'broadcast', data: `m:${seq}` }));
      const deadline = Date.now() + 60_000;
      for (;;) {
        await sleep(20);
        const [message] = (await this.swarm.report([seq])).messages;
        if ((message && message.delivered >= clients) || Date.now() > deadline) {
          lost += clients - (message?.delivered ?? 0);
          if (message) fanOutMs.push(message.lastAt - sentAt);
          break;
        }
      }
      gatewayCpuMs += threadCpuMs() - cpuBefore;
      // The handler's answer (its CPU) and summary arrive a moment after the last delivery.
      const answered = Date.now() + 10_000;
      while ((this.outcomes.length <= i || this.summaries.length <= i) && Date.now() < answered) await sleep(20);
      await sleep(200); // let the machine settle
    }
    const delivered = this.summaries.reduce((sum, summary) => sum + summary.delivered, 0);
    const handlerCpuMs = this.outcomes.reduce((sum, outcome) => sum + (outcome.cpuMs ?? 0), 0);
    const handlerPostsPerSecond = median(this.summaries.map((summary) => (summary.delivered / summary.ms) * 1000));
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
      ...(bare === undefined ? {} : { bareLoopPostsPerSecond: round(bare), handlerToBare: round(handlerPostsPerSecond / bare, 2) }),
      handlerCpuUsPerDelivery: round((handlerCpuMs * 1000) / Math.max(1, delivered)),
      gatewayCpuUsPerPost: round((gatewayCpuMs * 1000) / Math.max(1, delivered)),
      lost,
      handlerPeakHeapMb,
    };
  }

  /** Closes the clients and the gateway (every $disconnect runs first). */
  async stop(): Promise<void> {
    await this.swarm.stop();
    await this.gateway.close();
  }
}
