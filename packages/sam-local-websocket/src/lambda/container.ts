import { Worker } from 'node:worker_threads';
import { type FunctionSpec, nodeMajorOf } from '../template/template.js';
import type { BuiltFunction } from './bundle.js';
import type { Outcome, WorkerSetup } from './container-protocol.js';

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

/** An error an invocation fails with. */
export type Failure = { name: string; message: string };

/** An invocation, from its arrival to its outcome. */
export interface Invocation {
  id: number;
  priority: boolean;
  startBy?: number;
  event: unknown;
  requestId: string;
  queuedAt: number;
  resolve: (outcome: Outcome) => void;
}

/** One worker thread: loads the bundle once, runs one invocation at a time, as Lambda does. */
export class Container {
  readonly worker: Worker;
  current?: { invocation: Invocation; started: number; timer: NodeJS.Timeout };
  /** Set when a newer build was loaded: the container ends after its invocation. */
  stale = false;

  constructor(built: BuiltFunction, spec: FunctionSpec, env: Record<string, string>, execArgv: string[]) {
    const setup: WorkerSetup = {
      file: built.file,
      exportName: built.exportName,
      functionName: spec.logicalId,
      memorySize: spec.memorySize,
      layers: spec.layers,
      nodeMajor: nodeMajorOf(spec.runtime) ?? Number(process.versions.node.split('.')[0]),
    };
    this.worker = new Worker(WORKER_URL, {
      workerData: setup,
      env,
      // The bundle is plain JavaScript: no TypeScript loader in the container, only the
      // function's own NODE_OPTIONS (e.g. --enable-source-maps), as Lambda's Node.js reads them.
      execArgv,
      stdout: true,
      stderr: true,
    });
  }
}
