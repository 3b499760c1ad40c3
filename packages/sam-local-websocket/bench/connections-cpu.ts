/**
 * The local gateway's CPU per `@connections` post: `npm run bench:connections -w sam-local-websocket
 * -- [--posts N] [--concurrency C] [--runs R] [--iam off]`. The gateway's HTTP handler runs in this
 * process with the local IAM enforcing (every post's SigV4 signature checked, a broadcasting
 * function's policy evaluated) and a registry of connections whose sockets drop what they are
 * sent; a poster in a child process (its CPU is not counted) signs each post with the SDK's own
 * signer and the function's credentials, and posts N times at C in flight over keep-alive
 * sockets after a warm-up. This process's `process.cpuUsage()` around those N posts, per post, is
 * what is printed (each run and the median).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { WebSocket } from 'ws';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { ConnectionRegistry } from '../src/api-gateway/connection-registry.js';
import { connectionsApi } from '../src/api-gateway/connections-api.js';
import { connectionsGuard } from '../src/api-gateway/connections-guard.js';
import { LocalIam } from '../src/iam/authority.js';
import { IAM_MODES } from '../src/iam/constants.js';
import type { PolicyStatement } from '../src/iam/evaluate.js';
import { httpHandler } from '../src/stack/http-routes.js';

const { values } = parseArgs({
  options: {
    /** Posts measured per run. */
    posts: { type: 'string', default: '20000' },
    /** Posts in flight at once. */
    concurrency: { type: 'string', default: '100' },
    /** Posts sent before measuring, so that sockets, caches and the JIT are warm. */
    warmup: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '5' },
    connections: { type: 'string', default: '1000' },
    /** `off`: no IAM check at all (the posts are still signed), to see what the check costs. */
    iam: { type: 'string', default: 'enforce' },
    'poster-of': { type: 'string' },
  },
});
const [posts, concurrency, warmup] = [Number(values.posts), Number(values.concurrency), Number(values.warmup)];
const connections = Number(values.connections);
// Ids as API Gateway issues them (16 characters: 11 bytes in base64url, then `=`); others answer 400.
const ids = Array.from({ length: connections }, (_, i) => `${Buffer.from(`conn-${String(i).padStart(6, '0')}`).toString('base64url')}=`);

const FUNCTION = 'BroadcastFunction';
const SCOPE = { partition: 'aws', region: 'eu-north-1', accountId: '123456789012' };
const arn = (service: string, resource: string) => `arn:aws:${service}:${SCOPE.region}:${SCOPE.accountId}:${resource}`;
/** A broadcasting function's statements: its table, its `@connections` posts, a worker it may start. */
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
  const server = createServer(
    httpHandler({
      stagePath: '/dev',
      connectionsApi: connectionsApi(registry),
      guard: values.iam === 'off' ? undefined : connectionsGuard(iam, { apiId: 'local', stage: 'dev' }),
    }),
  );
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
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--poster-of',
      endpoint,
      '--posts',
      String(posts),
      '--concurrency',
      String(concurrency),
      '--warmup',
      String(warmup),
      '--connections',
      String(connections),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_REGION: SCOPE.region },
    },
  );
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

/** Posts `count` times with `concurrency` in flight; `postOne(index)` sends the index-th post and never rejects. */
async function postLoop(count: number, postOne: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await postOne(next++);
    }),
  );
}

/** Inside the child: signed posts over keep-alive sockets, as a function's SDK client sends them. */
async function postFrom(endpoint: string): Promise<void> {
  const url = new URL(endpoint);
  const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! };
  const signer = new SignatureV4({ credentials, region: SCOPE.region, service: 'execute-api', sha256: Sha256 });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const payload = Buffer.from('{"message":"Hello, everyone"}');
  const post = async (connectionId: string): Promise<void> => {
    const path = `${url.pathname}/@connections/${encodeURIComponent(connectionId)}`;
    const headers = { host: url.host, 'content-type': 'application/octet-stream', 'content-length': String(payload.length) };
    const signed = await signer.sign(new HttpRequest({ method: 'POST', hostname: url.hostname, port: Number(url.port), path, headers, body: payload }));
    await new Promise<void>((resolve, reject) => {
      const sent = request({ host: url.hostname, port: url.port, path, method: 'POST', headers: signed.headers, agent }, (response) => {
        response.resume();
        response.once('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`@connections answered ${response.statusCode}`))));
      });
      sent.once('error', reject);
      sent.end(payload);
    });
  };
  let failed = 0;
  const loop = (count: number) =>
    postLoop(count, (index) =>
      post(ids[index % ids.length]).catch((error: Error) => {
        if (failed++ === 0) console.error(error);
      }),
    );
  await loop(warmup);
  console.log('go');
  await loop(posts);
  console.log(failed > 0 ? `failed ${failed}` : 'done');
  agent.destroy();
}
