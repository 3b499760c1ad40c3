/**
 * The local gateway's CPU per `@connections` post: `npx tsx scripts/load/gateway-cpu.ts
 * [--posts N] [--concurrency C] [--runs R] [--iam off]`. The gateway's HTTP handler runs in this process
 * with the local IAM enforcing (every post's SigV4 signature checked, the broadcast function's
 * template policy evaluated) and a registry of connections whose sockets drop what they are
 * sent; a lean poster in a child process (its CPU is not counted) signs with the function's
 * credentials and posts N times at C in flight after a warm-up. This process's
 * `process.cpuUsage()` around those N posts, per post, is what is printed (each run and the median).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { WebSocket } from 'ws';
import { ConnectionRegistry } from '../../packages/sam-local-websocket/src/api-gateway/connection-registry.js';
import { connectionsApi } from '../../packages/sam-local-websocket/src/api-gateway/connections-api.js';
import { httpHandler } from '../../packages/sam-local-websocket/src/stack/http-routes.js';
import { LocalIam } from '../../packages/sam-local-websocket/src/iam/authority.js';
import { connectionsGuard } from '../../packages/sam-local-websocket/src/api-gateway/connections-guard.js';
import { IAM_MODES } from '../../packages/sam-local-websocket/src/iam/constants.js';
import type { PolicyStatement } from '../../packages/sam-local-websocket/src/iam/evaluate.js';
import { POST_LOOP_OPTIONS, postLoop, postLoopSettings } from './post-loop.js';

const { values } = parseArgs({
  options: {
    ...POST_LOOP_OPTIONS,
    runs: { type: 'string', default: '5' },
    connections: { type: 'string', default: '1000' },
    /** `off`: no IAM check at all (the posts are still signed), to see what the check costs. */
    iam: { type: 'string', default: 'enforce' },
    'poster-of': { type: 'string' },
  },
});
const { posts, concurrency, warmup } = postLoopSettings(values);
const connections = Number(values.connections);
const ids = Array.from({ length: connections }, (_, i) => Buffer.from(`conn-${i}-ab`).toString('base64').slice(0, 15) + '=');

const FUNCTION = 'BroadcastFunction';
const SCOPE = { partition: 'aws', region: 'eu-north-1', accountId: '123456789012' };
const arn = (service: string, resource: string) => `arn:aws:${service}:${SCOPE.region}:${SCOPE.accountId}:${resource}`;
/** The broadcast function's statements in template.yaml, resolved. */
const BROADCAST_POLICY: PolicyStatement[] = [
  { effect: 'Allow', actions: ['dynamodb:Scan'], resources: [arn('dynamodb', 'table/connections')] },
  { effect: 'Allow', actions: ['dynamodb:DeleteItem'], resources: [arn('dynamodb', 'table/connections')] },
  { effect: 'Allow', actions: ['execute-api:ManageConnections'], resources: [arn('execute-api', 'local/dev/POST/@connections/*')] },
  { effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [arn('lambda', `function:${FUNCTION}`)] },
];

if (values['poster-of']) await postFrom(values['poster-of']);
else await main();

async function main(): Promise<void> {
  const iam = new LocalIam(IAM_MODES.enforce, SCOPE, new Map([[FUNCTION, BROADCAST_POLICY]]), (refusal) => {
    throw new Error(`refused: ${JSON.stringify(refusal)}`);
  });
  const registry = new ConnectionRegistry();
  const socket = { send: () => undefined } as unknown as WebSocket;
  for (const connectionId of ids) registry.add({ connectionId, socket, connectedAt: Date.now(), lastActiveAt: Date.now(), sourceIp: '127.0.0.1' });
  const server = createServer(httpHandler({ stagePath: '/dev', connectionsApi: connectionsApi(registry), guard: values.iam === 'off' ? undefined : connectionsGuard(iam, { apiId: 'local', stage: 'dev' }) }));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
  const results: number[] = [];
  try {
    for (let run = 1; run <= Number(values.runs); run++) {
      const cpuUsPerPost = await measure(endpoint, iam.credentialsOf(FUNCTION));
      results.push(cpuUsPerPost);
      process.stderr.write(`run ${run}: ${cpuUsPerPost} µs gateway CPU/post (load ${(await import('node:os')).loadavg()[0].toFixed(2)})\n`);
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  const median = [...results].sort((a, b) => a - b)[Math.floor(results.length / 2)];
  console.log(`\n${posts} signed posts at ${concurrency} in flight, median of ${results.length} runs: ${median} µs gateway CPU/post`);
}

/** One run: a poster process warms up, says `go`, posts, says `done`; CPU is read at each word. */
async function measure(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--poster-of', endpoint, '--posts', String(posts), '--concurrency', String(concurrency), '--warmup', String(warmup), '--connections', String(connections)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_REGION: SCOPE.region },
  });
  let started: NodeJS.CpuUsage | undefined;
  let used: NodeJS.CpuUsage | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === 'go') started = process.cpuUsage();
    else if (line === 'done') used = process.cpuUsage(started);
    else if (line.startsWith('failed')) throw new Error(line);
  }
  const [code] = await once(child, 'exit');
  if (code !== 0 || !used) throw new Error(`the poster exited with ${code}`);
  return Math.round((used.user + used.system) / posts);
}

/** Inside the child: posts with the lean poster, as the broadcast function does. */
async function postFrom(endpoint: string): Promise<void> {
  const { LeanPoster } = await import('../../functions/shared/lean-poster.js');
  // A long attempt timeout: on a loaded machine a post that waits is still to be counted, not lost.
  const poster = new LeanPoster({ endpoint, maxSockets: concurrency, requestTimeoutMs: 30_000 });
  const payload = Buffer.from('{"message":"Hello, everyone"}');
  let failed = 0;
  const loop = (count: number) =>
    postLoop(count, concurrency, (index) =>
      poster.post(ids[index % ids.length], payload).catch((error: Error) => {
        if (failed++ === 0) console.error(error);
      }),
    );
  await loop(warmup);
  console.log('go');
  await loop(posts);
  console.log(failed > 0 ? `failed ${failed}` : 'done');
  poster.destroy();
}
