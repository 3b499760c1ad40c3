/** The bench's baseline run: the bare loop (bare-loop.ts), bundled like the broadcast function and run in a worker thread. */
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { esbuildOptions, functionsOf, type Gateway, loadTemplate } from 'sam-local-websocket';
import { withAbsoluteAliases } from 'sam-local-websocket/testing';
import type { BareLoopInput } from './bare-loop.js';
import type { FanOutSetting } from './fan-out-run.js';
import { median } from './stats.js';
import { threadCpuMs } from './thread-cpu.js';

/**
 * Bundles the bare loop exactly as the template bundles BroadcastFunction (its Metadata's
 * esbuild options), only from another entry point.
 */
export async function buildBareLoop(rootDir: string): Promise<string> {
  const { template, baseDir } = loadTemplate(join(rootDir, 'template.yaml'));
  const broadcast = functionsOf(template, baseDir).find((fn) => fn.logicalId === 'BroadcastFunction');
  if (!broadcast) throw new Error('template.yaml has no BroadcastFunction to bundle the bare loop like');
  const bareLoop = {
    ...broadcast,
    codeDir: join(rootDir, 'scripts', 'load'),
    // Built from scripts/load: the Alias paths still point where the broadcast function's do.
    buildProperties: { ...withAbsoluteAliases(broadcast.buildProperties, broadcast.codeDir), EntryPoints: ['bare-loop.ts'] },
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
export async function runBareLoop(
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
