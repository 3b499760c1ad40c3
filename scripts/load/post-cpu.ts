/**
 * CPU per PostToConnection, client by client: `npx tsx scripts/load/post-cpu.ts [--posts N]
 * [--concurrency C] [--runs R] [--clients sdk,lean,unsigned]`. A local HTTP server that answers 200 runs in its own process
 * (its CPU is not counted); each client is measured in a fresh process of its own with
 * `process.cpuUsage()` around N posts at C in flight, after a warm-up. Clients: the SDK's
 * ApiGatewayManagementApiClient (the shared management.ts code), the lean poster, and an
 * unsigned node:http POST (the floor for Node's HTTP client). Prints each run and the medians.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { POST_LOOP_OPTIONS, postLoop, postLoopSettings } from './post-loop.js';

const CLIENTS = ['sdk', 'lean', 'unsigned'] as const;
type Client = (typeof CLIENTS)[number];
interface Measurement {
  client: Client;
  cpuUsPerPost: number;
  postsPerSecond: number;
  failed: number;
}

const { values } = parseArgs({
  options: {
    ...POST_LOOP_OPTIONS,
    runs: { type: 'string', default: '3' },
    client: { type: 'string' },
    clients: { type: 'string', default: CLIENTS.join(',') },
    port: { type: 'string' },
  },
});
const { posts, concurrency, warmup } = postLoopSettings(values);
const measured = values.clients.split(',').filter((name): name is Client => (CLIENTS as readonly string[]).includes(name));

// The server: 200 with an empty body, keep-alive, in a separate process.
const SERVER = `
const server = require('node:http').createServer((req, res) => {
  req.on('end', () => { res.writeHead(200, { 'content-length': '0' }); res.end(); }).resume();
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0)).resume();`;

if (values.client) {
  const measurement = await measure(values.client as Client, Number(values.port));
  console.log(JSON.stringify(measurement));
  process.exit(0);
} else {
  await main();
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(server.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  const runs: Measurement[][] = [];
  try {
    for (let run = 1; run <= Number(values.runs); run++) {
      const results: Measurement[] = [];
      for (const client of measured) {
        const result = await child(client, port);
        results.push(result);
        process.stderr.write(`run ${run} ${client}: ${result.cpuUsPerPost} µs CPU/post, ${result.postsPerSecond} posts/s, ${result.failed} failed\n`);
      }
      runs.push(results);
    }
  } finally {
    server.stdin!.end();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const medians = Object.fromEntries(
    measured.map((client) => {
      const rows = runs.map((results) => results.find((result) => result.client === client)!);
      return [client, { cpuUsPerPost: median(rows.map((row) => row.cpuUsPerPost)), postsPerSecond: median(rows.map((row) => row.postsPerSecond)) }];
    }),
  ) as Partial<Record<Client, { cpuUsPerPost: number; postsPerSecond: number }>>;
  console.log(`\n${posts} posts at ${concurrency} in flight, medians of ${runs.length} runs\n`);
  console.log('| client | CPU µs/post | posts/s |');
  console.log('| :--- | ---: | ---: |');
  for (const client of measured) console.log(`| ${client} | ${medians[client]!.cpuUsPerPost} | ${medians[client]!.postsPerSecond} |`);
  if (medians.sdk && medians.lean) console.log(`\nSDK/lean CPU per post: ${(medians.sdk.cpuUsPerPost / medians.lean.cpuUsPerPost).toFixed(2)}x`);
}

/** Measures one client in a fresh process. */
async function child(client: Client, port: number): Promise<Measurement> {
  const args = [
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    '--client',
    client,
    '--port',
    String(port),
    '--posts',
    String(posts),
    '--concurrency',
    String(concurrency),
    '--warmup',
    String(warmup),
  ];
  const proc = spawn(process.execPath, [...process.execArgv.filter((arg) => arg.startsWith('--cpu-prof')), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'post-cpu-key',
      AWS_SECRET_ACCESS_KEY: 'post-cpu-secret',
      AWS_REGION: 'eu-north-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  let out = '';
  proc.stdout!.on('data', (chunk) => (out += chunk));
  const [code] = await once(proc, 'exit');
  if (code !== 0) throw new Error(`${client} measurement exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as Measurement;
}

/** Inside the child: warm up, then N posts at C in flight around process.cpuUsage(). */
async function measure(client: Client, port: number): Promise<Measurement> {
  const endpoint = `http://127.0.0.1:${port}/dev`;
  const post = await posterFor(client, endpoint);
  const payload = Buffer.from('{"message":"Hello, everyone"}');
  const ids = Array.from({ length: Math.max(posts, warmup) }, (_, i) => `${Buffer.from(`conn-${i}-ab`).toString('base64').slice(0, 15)}=`);
  let failed = 0;
  const loop = (count: number) =>
    postLoop(count, concurrency, async (index) => {
      try {
        await post(ids[index], payload);
      } catch {
        failed++;
      }
    });
  await loop(warmup);
  failed = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await loop(posts);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    client,
    cpuUsPerPost: Math.round((used.user + used.system) / posts),
    postsPerSecond: Math.round((posts / ms) * 1000),
    failed,
  };
}

async function posterFor(client: Client, endpoint: string): Promise<(id: string, payload: Uint8Array) => Promise<void>> {
  if (client === 'sdk') {
    const { ManagementClients } = await import('../../functions/shared/management.js');
    const clients = new ManagementClients();
    return (id, payload) => clients.post(endpoint, id, payload, concurrency);
  }
  if (client === 'lean') {
    const { LeanPoster } = await import('../../functions/shared/lean-poster.js');
    const poster = new LeanPoster({ endpoint, maxSockets: concurrency });
    return (id, payload) => poster.post(id, payload);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(endpoint);
  return (id, payload) =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          hostname: url.hostname,
          port: url.port,
          method: 'POST',
          path: `${url.pathname}/@connections/${encodeURIComponent(id)}`,
          headers: { 'content-type': 'application/octet-stream', 'content-length': payload.byteLength },
        },
        (res) =>
          res
            .on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))))
            .on('error', reject)
            .resume(),
      );
      req.on('error', reject);
      req.end(payload);
    });
}
