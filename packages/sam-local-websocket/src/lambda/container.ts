import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LOCAL_ACCOUNT_ID, pseudoParameters } from '../template/intrinsics.js';
import { type FunctionSpec, nodeMajorOf } from '../template/template.js';
import type { BuiltFunction } from './bundle.js';
import type { Outcome, WorkerSetup } from './container-protocol.js';

const WORKER_URL = new URL('./worker.mjs', import.meta.url);
/** The local runtime's folder: what `LAMBDA_RUNTIME_DIR` names (`/var/runtime` on Lambda). */
export const RUNTIME_DIR = dirname(fileURLToPath(WORKER_URL));

/** An error an invocation fails with. */
export type Failure = { name: string; message: string };

/** An invocation, from its arrival to its outcome. */
export interface Invocation {
  id: number;
  priority: boolean;
  startBy?: number;
  /** The event as JSON text (event-json.ts). */
  event: string;
  requestId: string;
  queuedAt: number;
  resolve: (outcome: Outcome) => void;
}

/** A function's ARN as Lambda forms it, in the twin's partition, region (the container's `AWS_REGION`) and account. */
export function functionArnOf(functionName: string, region: string): string {
  return `arn:${pseudoParameters(region)['AWS::Partition']}:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
}

/** A log stream name as Lambda gives each execution environment: `2026/12/04/[$LATEST]` and 32 hex digits. */
export function logStreamName(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * V8's old-space limit for a function of `memorySize` MB: what Lambda's Node.js bootstrap gives
 * `--max-old-space-size` (memory − memory/10).
 */
export const heapLimitMb = (memorySize: number): number => memorySize - Math.floor(memorySize / 10);

/**
 * One worker thread: loads the bundle once, runs one invocation at a time, as Lambda does, and
 * is frozen between invocations (see worker.mjs): {@link Container.wake} lets it run again.
 */
export class Container {
  readonly worker: Worker;
  current?: { invocation: Invocation; started: number; timer: NodeJS.Timeout };
  /** Set when a newer build was loaded: the container ends after its invocation. */
  stale = false;
  /** The freeze gate shared with the thread: 0 while frozen. */
  private readonly gate = new Int32Array(new SharedArrayBuffer(4));

  constructor(built: BuiltFunction, spec: FunctionSpec, env: Record<string, string>, execArgv: string[]) {
    const taskRoot = dirname(built.file);
    const tmpDir = mkdtempSync(join(tmpdir(), 'sam-local-websocket-tmp-'));
    const setup: WorkerSetup = {
      file: built.file,
      exportName: built.exportName,
      functionName: spec.logicalId,
      memorySize: spec.memorySize,
      functionArn: functionArnOf(spec.logicalId, env.AWS_REGION ?? 'us-east-1'),
      gate: this.gate.buffer as SharedArrayBuffer,
      codeDir: taskRoot,
      tmpDir,
      tmpLimitBytes: (spec.ephemeralStorageMb ?? 512) * 1024 * 1024,
      layers: spec.layers,
      nodeMajor: nodeMajorOf(spec.runtime) ?? Number(process.versions.node.split('.')[0]),
    };
    this.worker = new Worker(WORKER_URL, {
      workerData: setup,
      // What Lambda sets for each execution environment: its log stream and the code's folder.
      env: {
        ...env,
        AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
        LAMBDA_TASK_ROOT: taskRoot,
        LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
        // os.tmpdir() is the container's own /tmp.
        TMPDIR: tmpDir,
        NODE_PATH: env.NODE_PATH ?? `/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:${RUNTIME_DIR}/node_modules:${RUNTIME_DIR}:${taskRoot}`,
      },
      // The bundle is plain JavaScript: no TypeScript loader in the container, only the
      // function's own NODE_OPTIONS (e.g. --enable-source-maps), as Lambda's Node.js reads them.
      execArgv,
      // MemorySize bounds the heap as Lambda's bootstrap does; past it the container dies.
      resourceLimits: { maxOldGenerationSizeMb: heapLimitMb(spec.memorySize) },
      stdout: true,
      stderr: true,
    });
    // The container's /tmp goes with it, as an execution environment's does.
    this.worker.once('exit', () => rmSync(tmpDir, { recursive: true, force: true }));
  }

  /** Lets the frozen thread run again: call it before posting the next invocation. */
  wake(): void {
    Atomics.store(this.gate, 0, 1);
    Atomics.notify(this.gate, 0);
  }
}
