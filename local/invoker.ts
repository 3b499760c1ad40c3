import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { BuiltFunction } from './bundle.js';
import type { FunctionSpec } from './template.js';

/** How an invocation ended: the handler's answer, or the error Lambda would report. */
export type Outcome =
  | { ok: true; result: unknown; ms: number; requestId: string }
  | { ok: false; error: { name: string; message: string }; ms: number; requestId: string };

/** Where a function's own log lines go. */
export type LogSink = (functionName: string, line: string) => void;

/** What a container is told when it starts (see function-worker.mjs). */
export interface WorkerSetup {
  file: string;
  exportName: string;
  functionName: string;
  memorySize: number;
}

/** One invocation sent to a container. */
export interface InvokeRequest {
  id: number;
  event: unknown;
  requestId: string;
  /** Epoch ms by which the handler must answer (its Timeout). */
  deadline: number;
}

/** A container's answer to one invocation. */
export type InvokeReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string } };

const WORKER_URL = new URL('./function-worker.mjs', import.meta.url);

interface Pending {
  resolve: (outcome: Outcome) => void;
  timer: NodeJS.Timeout;
  started: number;
  requestId: string;
}

/**
 * One function of the template, run like a warm Lambda container: its bundle is loaded
 * once in a worker thread with the function's own environment, and reused. An invocation
 * that outlives the function's Timeout fails as Lambda's does, and the container is
 * replaced so the runaway handler stops.
 */
export class LocalFunction {
  private worker!: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private built!: BuiltFunction;

  constructor(
    readonly spec: FunctionSpec,
    built: BuiltFunction,
    private readonly env: Record<string, string>,
    private readonly log: LogSink,
  ) {
    this.start(built);
  }

  /** Runs the handler with `event`. Never rejects: failures come back as the outcome. */
  invoke(event: unknown): Promise<Outcome> {
    const id = this.nextId++;
    const requestId = randomUUID();
    const started = Date.now();
    const deadline = started + this.spec.timeout * 1000;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.timeOut(id), this.spec.timeout * 1000);
      this.pending.set(id, { resolve, timer, started, requestId });
      const request: InvokeRequest = { id, event, requestId, deadline };
      this.worker.postMessage(request);
    });
  }

  /** Loads a new build: in-flight invocations finish on the old container. */
  reload(built: BuiltFunction): void {
    const old = this.worker;
    this.start(built);
    this.retire(old);
  }

  /** Stops the container; pending invocations fail. */
  async close(): Promise<void> {
    for (const id of [...this.pending.keys()]) this.settle(id, { name: 'Shutdown', message: 'the local gateway is stopping' });
    await this.worker.terminate();
  }

  private start(built: BuiltFunction): void {
    this.built = built;
    const setup: WorkerSetup = {
      file: built.file,
      exportName: built.exportName,
      functionName: this.spec.logicalId,
      memorySize: this.spec.memorySize,
    };
    const worker = new Worker(WORKER_URL, {
      workerData: setup,
      env: this.env,
      // The bundle is plain JavaScript: no TypeScript loader in the container.
      execArgv: [],
      stdout: true,
      stderr: true,
    });
    this.forwardLines(worker.stdout);
    this.forwardLines(worker.stderr);
    worker.on('message', (reply: InvokeReply) => {
      if (reply.ok) this.settle(reply.id, undefined, reply.result);
      else this.settle(reply.id, reply.error);
    });
    worker.on('error', (error) => {
      // A crash of the container fails what it was running, as Lambda's runtime exit does.
      this.log(this.spec.logicalId, `container crashed: ${error.message}`);
      if (worker !== this.worker) return;
      for (const id of [...this.pending.keys()]) this.settle(id, { name: 'Runtime.ExitError', message: error.message });
      this.start(this.built);
    });
    this.worker = worker;
  }

  private retire(worker: Worker): void {
    // Replies of the old container still settle their invocations, which share the map.
    setTimeout(() => void worker.terminate(), this.spec.timeout * 1000).unref();
  }

  private forwardLines(stream: Readable): void {
    createInterface({ input: stream }).on('line', (line) => this.log(this.spec.logicalId, line));
  }

  private timeOut(id: number): void {
    const seconds = this.spec.timeout;
    this.settle(id, { name: 'Sandbox.Timedout', message: `Task timed out after ${seconds.toFixed(2)} seconds` });
    // New invocations go to a fresh container; the old one, with the runaway handler,
    // is stopped once anything else it runs has had its own full Timeout.
    this.reload(this.built);
  }

  private settle(id: number, error?: { name: string; message: string }, result?: unknown): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    const ms = Date.now() - pending.started;
    pending.resolve(error ? { ok: false, error, ms, requestId: pending.requestId } : { ok: true, result, ms, requestId: pending.requestId });
  }
}
