// Runs one function's bundle inside a worker thread: the local stand-in for a warm Lambda
// container. The module is imported once and its handler serves every invocation. Between
// invocations the thread is frozen, as Lambda freezes its execution environment: timers and
// callbacks a handler left behind run only when the next invocation wakes it.
//
// Plain JavaScript on purpose: Node.js 20 resolves a worker's entry file before any
// `--import` loader (tsx) applies, so this file cannot be TypeScript. It is type-checked all
// the same (`checkJs` in tsconfig.json), against the messages typed in invoker.ts
// (WorkerSetup, InvokeRequest, InvokeReply).
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { performance } from 'node:perf_hooks';
// First: Lambda's module resolution, its SDK and AWS's addresses (sandbox/runtime.mjs).
import { initError } from './sandbox/runtime.mjs';
import { randomBytes } from 'node:crypto';
import { bytesUnder, installSandbox } from './sandbox.mjs';

if (!parentPort) throw new Error('worker.mjs runs only as a worker thread');
const port = parentPort;

/** @type {import('./container-protocol.js').WorkerSetup} */
const setup = workerData;
/** The freeze gate: 0 while frozen; the function sets it to 1 to wake the container (see container.ts). */
const gate = new Int32Array(setup.gate);

// Lambda's file system: a read-only code folder, the container's own /tmp (see sandbox.mjs).
const sandbox = installSandbox({ codeDir: setup.codeDir, tmpDir: setup.tmpDir, tmpLimitBytes: setup.tmpLimitBytes });

/** How much the container's /tmp holds, when the invocation wrote there (else undefined). */
function tmpBytes() {
  if (!sandbox.takeTmpWritten()) return undefined;
  try {
    return bytesUnder(setup.tmpDir);
  } catch {
    return undefined;
  }
}

// The function's layers first, as Lambda extracts them to /opt before the runtime starts.
const mounted = setup.layers?.length
  ? import('./layer-hooks.mjs').then(({ mountLayers }) => {
      if (!mountLayers(setup.layers ?? [], setup.nodeMajor ?? 0)) throw new Error('layers need Node.js 22.15 or later locally (module.registerHooks)');
    })
  : Promise.resolve();
const loaded = mounted
  .then(() => import(pathToFileURL(setup.file).href))
  .catch((error) => {
    throw initError(error);
  })
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
    invokedFunctionArn: setup.functionArn,
    memoryLimitInMB: String(setup.memorySize),
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? `/aws/lambda/${setup.functionName}`,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
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

/**
 * The work still pending in this thread (timers, sockets, file operations...), by kind, besides
 * the port it talks to the function through. Idle keep-alive sockets are unreferenced: not counted.
 */
function pendingWork() {
  const kinds = process.getActiveResourcesInfo();
  const port = kinds.indexOf('MessagePort');
  if (port >= 0) kinds.splice(port, 1);
  return kinds;
}

/** An X-Ray trace header as Lambda sets `_X_AMZN_TRACE_ID` for each invocation. */
const traceHeader = () => {
  const hex = (/** @type {number} */ bytes) => randomBytes(bytes).toString('hex');
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(12)};Parent=${hex(8)};Sampled=0`;
};

port.on('message', async (/** @type {import('./container-protocol.js').InvokeRequest} */ request) => {
  // Freeze again after this invocation (the function set the gate to wake the container).
  Atomics.store(gate, 0, 0);
  process.env._X_AMZN_TRACE_ID = traceHeader();
  let peakHeapBytes = heapUsed();
  const cpuBefore = threadCpuMs();
  const sampler = setInterval(() => (peakHeapBytes = Math.max(peakHeapBytes, heapUsed())), 50);
  /** @type {import('./container-protocol.js').InvokeResult} */
  let reply;
  try {
    const handler = await loaded;
    reply = { id: request.id, ok: true, result: await handler(JSON.parse(request.eventJson), contextFor(request)) };
  } catch (error) {
    const { name = 'Error', message = String(error) } = /** @type {{ name?: string, message?: string }} */ (error ?? {});
    reply = { id: request.id, ok: false, error: { name, message } };
  }
  await flushed();
  clearInterval(sampler);
  const cpuMs = threadCpuMs() - cpuBefore;
  /** @type {import('./container-protocol.js').InvokeReply} */
  const message = { ...reply, peakHeapBytes: Math.max(peakHeapBytes, heapUsed()), cpuMs, pending: pendingWork(), tmpBytes: tmpBytes() };
  port.postMessage(message);
  // Frozen until the next invocation: nothing the handler left behind runs meanwhile.
  Atomics.wait(gate, 0, 0);
});
