import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { esbuildOptions } from '../../tooling/sam/bundle.js';
import { startGateway, type Gateway } from '../../local/gateway.js';
import { functionsOf, loadTemplate } from '../../tooling/sam/template.js';
import type { BareLoopInput } from './bare-loop.js';
import { Swarm } from './swarm.js';
import { median, sleep } from '../../tooling/time.js';

/** One configuration of the fan-out benchmark. */
export interface FanOutSetting {
  clients: number;
  broadcasts: number;
  /** Added to every `@connections` call, ms. */
  latencyMs: number;
  /** `BROADCAST_CONCURRENCY`: a number, or `unbounded` (everything at once, SDK defaults). */
  concurrency: number | 'unbounded';
}

/** What one configuration measured. */
export interface FanOutResult extends FanOutSetting {
  /** Send to the last client's receipt, per broadcast: median and 99th percentile, ms. */
  p50Ms: number;
  p99Ms: number;
  /** Clients reached per second of fan-out (clients / median fan-out time). */
  deliveriesPerSecond: number;
  /** The handler's own rate: delivered / its summary's ms (median over broadcasts). */
  handlerPostsPerSecond: number;
  /** A bare loop of PostToConnection at the same concurrency, in the same gateway (median of as many passes). */
  bareLoopPostsPerSecond?: number;
  lost: number;
  gatewayPeakMb: number;
  handlerPeakHeapMb: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
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

async function runBareLoop(file: string, gateway: Gateway, setting: FanOutSetting): Promise<number> {
  const unbounded = setting.concurrency === 'unbounded';
  const input: BareLoopInput = {
    endpoint: gateway.managementEndpoint,
    connectionIds: [...gateway.registry.all()].map((connection) => connection.connectionId),
    payload: 'bare',
    concurrency: unbounded ? setting.clients : (setting.concurrency as number),
    maxSockets: unbounded ? undefined : (setting.concurrency as number),
    passes: setting.broadcasts,
  };
  const worker = new Worker(file, {
    workerData: input,
    env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
  });
  const result = await new Promise<{ rates: number[] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  return median(result.rates);
}

/**
 * Starts the local gateway with the given `@connections` latency and broadcast concurrency,
 * connects the clients (in a child process), then sends broadcasts one after another and
 * times each from its send to the last client's receipt.
 */
export async function benchFanOut(setting: FanOutSetting, options: { rootDir: string; bareLoop: boolean }): Promise<FanOutResult> {
  const summaries: { delivered: number; ms: number }[] = [];
  const gateway = await startGateway({
    port: 0,
    dbPort: 0,
    faults: { latencyMs: setting.latencyMs },
    envVars: { BroadcastFunction: { BROADCAST_CONCURRENCY: String(setting.concurrency) } },
    log: () => {},
    onFunctionLog: ({ record }) => {
      if (record?.message === 'broadcast complete') summaries.push(record as { delivered: number; ms: number });
    },
  });
  const swarm = await Swarm.start();
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const opened = await swarm.open(gateway.url, setting.clients, 200);
    if (opened.failed > 0) throw new Error(`${opened.failed} clients could not connect`);
    const fanOutMs: number[] = [];
    let lost = 0;
    for (let seq = 0; seq < setting.broadcasts; seq++) {
      const sentAt = now();
      swarm.send(seq % setting.clients, JSON.stringify({ action: 'broadcast', data: `m:${seq}` }));
      const deadline = Date.now() + 60_000;
      for (;;) {
        await sleep(20);
        const message = (await swarm.report()).messages.find((entry) => entry.seq === seq);
        const done = message && message.delivered >= setting.clients;
        if (done || Date.now() > deadline) {
          lost += setting.clients - (message?.delivered ?? 0);
          if (message) fanOutMs.push(message.lastAt - sentAt);
          break;
        }
      }
      await sleep(200); // let the handler's summary arrive, and the machine settle
    }
    const bareLoopPostsPerSecond = options.bareLoop
      ? await runBareLoop(await buildBareLoop(options.rootDir), gateway, setting)
      : undefined;
    const p50 = median(fanOutMs);
    return {
      ...setting,
      p50Ms: Math.round(p50),
      p99Ms: Math.round(percentile(fanOutMs, 99)),
      deliveriesPerSecond: Math.round((setting.clients / p50) * 1000),
      handlerPostsPerSecond: Math.round(median(summaries.map((summary) => (summary.delivered / summary.ms) * 1000))),
      bareLoopPostsPerSecond: bareLoopPostsPerSecond === undefined ? undefined : Math.round(bareLoopPostsPerSecond),
      lost,
      gatewayPeakMb: Math.round(peakRss / 1024 / 1024),
      handlerPeakHeapMb: Math.round((gateway.functions.get('BroadcastFunction')?.peakHeapBytes ?? 0) / 1024 / 1024),
    };
  } finally {
    clearInterval(sampler);
    await swarm.stop();
    await gateway.close();
  }
}
