// Runs one function's bundle inside a worker thread: the local stand-in for a warm Lambda
// container. The module is imported once and its handler serves every invocation.
//
// Plain JavaScript on purpose: Node.js 20 resolves a worker's entry file before any
// `--import` loader (tsx) applies, so this file cannot be TypeScript. It is type-checked all
// the same (`checkJs` in tsconfig.json), against the messages typed in invoker.ts
// (WorkerSetup, InvokeRequest, InvokeReply).
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { performance } from 'node:perf_hooks';

if (!parentPort) throw new Error('worker.mjs runs only as a worker thread');
const port = parentPort;

/** @type {import('./container-protocol.js').WorkerSetup} */
const setup = workerData;

// The function's layers first, as Lambda extracts them to /opt before the runtime starts.
const mounted = setup.layers?.length
  ? import('./layer-hooks.mjs').then(({ mountLayers }) => {
      if (!mountLayers(setup.layers ?? [], setup.nodeMajor ?? 0)) throw new Error('layers need Node.js 22.15 or later locally (module.registerHooks)');
    })
  : Promise.resolve();
const loaded = mounted
  .then(() => import(pathToFileURL(setup.file).href))
  .then((module) => {
    const handler = module[setup.exportName];
    if (typeof handler !== 'function') throw new Error(`${setup.file} does not export a function "${setup.exportName}"`);
    return handler;
  });
// An import error is reported by each invocation, as Lambda reports an init error.
loaded.catch(() => {});

/**
 * Lambda's context object, without the deprecated callback-era `done`/`fail`/`succeed`,
 * which the local container does not offer.
 * @param {import('./container-protocol.js').InvokeRequest} request
 * @returns {Omit<import('aws-lambda').Context, 'done' | 'fail' | 'succeed'>}
 */
function contextFor(request) {
  return {
    awsRequestId: request.requestId,
    functionName: setup.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${setup.functionName}`,
    memoryLimitInMB: String(setup.memorySize),
    logGroupName: `/aws/lambda/${setup.functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, request.deadline - Date.now()),
  };
}

/**
 * Resolves once every line the handler wrote has reached the parent thread. A worker's stdout
 * and stderr are asynchronous: without this, lines written last (Powertools Metrics' EMF line)
 * would arrive after the answer, and be lost when the container is stopped right after it.
 * @returns {Promise<unknown>}
 */
const flushed = () => Promise.all([process.stdout, process.stderr].map((stream) => new Promise((done) => stream.write('', done))));

/**
 * This thread's own CPU time, ms (a worker's process.cpuUsage() counts the whole process):
 * process.threadCpuUsage() where Node.js has it (23.9 and later); before that, the time the
 * thread's event loop was busy, which on a loaded machine also counts waiting for a core.
 */
const threadCpuMs = (() => {
  const threadCpuUsage = /** @type {{ threadCpuUsage?: () => { user: number, system: number } }} */ (process).threadCpuUsage;
  if (typeof threadCpuUsage === 'function') {
    return () => {
      const { user, system } = threadCpuUsage.call(process);
      return (user + system) / 1000;
    };
  }
  return () => performance.eventLoopUtilization().active;
})();

// The most heap this container used during an invocation, sampled while it runs.
const heapUsed = () => getHeapStatistics().used_heap_size;

port.on('message', async (/** @type {import('./container-protocol.js').InvokeRequest} */ request) => {
  let peakHeapBytes = heapUsed();
  const cpuBefore = threadCpuMs();
  const sampler = setInterval(() => (peakHeapBytes = Math.max(peakHeapBytes, heapUsed())), 50);
  /** @type {import('./container-protocol.js').InvokeResult} */
  let reply;
  try {
    const handler = await loaded;
    reply = { id: request.id, ok: true, result: await handler(request.event, contextFor(request)) };
  } catch (error) {
    const { name = 'Error', message = String(error) } = /** @type {{ name?: string, message?: string }} */ (error ?? {});
    reply = { id: request.id, ok: false, error: { name, message } };
  }
  await flushed();
  clearInterval(sampler);
  const cpuMs = threadCpuMs() - cpuBefore;
  /** @type {import('./container-protocol.js').InvokeReply} */
  const message = { ...reply, peakHeapBytes: Math.max(peakHeapBytes, heapUsed()), cpuMs };
  port.postMessage(message);
});
