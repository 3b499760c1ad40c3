import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { BuiltFunction } from './bundle.js';
import type { FunctionSpec } from '../template/template.js';
import { containerExecArgv } from './node-options.js';

/** How an invocation ended: the handler's answer, or the error Lambda would report. */
export type Outcome =
  | ({ ok: true; result: unknown } & OutcomeTimes)
  | ({ ok: false; error: { name: string; message: string }; /** It never started: its `startBy` passed while it waited. */ expired?: true } & OutcomeTimes);

/** How long an invocation took, and how busy its container's thread was meanwhile. */
interface OutcomeTimes {
  ms: number;
  requestId: string;
  /**
   * The container thread's CPU time during the invocation, ms, measured inside it (see
   * worker.mjs). Absent when the handler did not run to an answer (shed, timed out, stopped).
   */
  cpuMs?: number;
}

/** Answer given to an invocation whose `startBy` passed while it waited for a container. */
export const EXPIRED_ERROR = { name: 'EventAgeExceeded', message: 'the event waited longer than its maximum age for a container' } as const;

/** Answer given to invocations the gateway will not run because it is stopping. */
export const SHUTDOWN_ERROR = { name: 'Shutdown', message: 'the local gateway is stopping' } as const;

/** Where a function's own log lines go. */
export type LogSink = (functionName: string, line: string) => void;

/** What a container is told when it starts (see worker.mjs). */
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

/** What the handler did with one invocation: its answer, or the error it threw. */
export type InvokeResult = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { name: string; message: string } };

/** A container's answer to one invocation, with the most heap it used meanwhile. */
export type InvokeReply = InvokeResult & {
  peakHeapBytes: number;
  /** The container thread's CPU time during the invocation, ms. */
  cpuMs: number;
};

/** How an invocation is queued. */
export interface InvokeOptions {
  /**
   * Runs ahead of every queued ordinary invocation, and is still accepted while the function
   * drains (see {@link LocalFunction.drain}): `$disconnect`, which removes a stored record.
   */
  priority?: boolean;
  /**
   * Epoch ms by which it must start (an asynchronous event's maximum age): if every container is
   * still busy then, it is not run and answers `expired` ({@link EXPIRED_ERROR}).
   */
  startBy?: number;
}

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

type Failure = { name: string; message: string };

interface Invocation {
  id: number;
  priority: boolean;
  startBy?: number;
  event: unknown;
  requestId: string;
  queuedAt: number;
  resolve: (outcome: Outcome) => void;
}

/** One worker thread: loads the bundle once, runs one invocation at a time, as Lambda does. */
class Container {
  readonly worker: Worker;
  current?: { invocation: Invocation; started: number; timer: NodeJS.Timeout };
  /** Set when a newer build was loaded: the container ends after its invocation. */
  stale = false;

  constructor(built: BuiltFunction, spec: FunctionSpec, env: Record<string, string>, execArgv: string[]) {
    const setup: WorkerSetup = { file: built.file, exportName: built.exportName, functionName: spec.logicalId, memorySize: spec.memorySize };
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

/** How many containers a function may run at once, as Lambda's concurrency. */
export const DEFAULT_CONTAINERS_PER_FUNCTION = 2;

/**
 * One function of the template, run like Lambda runs it: each container (a worker thread
 * with the function's own environment) loads the bundle once and then serves one
 * invocation at a time; up to `maxContainers` run at once and further invocations wait
 * their turn. An invocation that outlives the Timeout fails as Lambda's does and its
 * container is stopped, so a runaway handler really stops.
 */
export class LocalFunction {
  private readonly containers = new Set<Container>();
  private readonly idle: Container[] = [];
  /** Waiting invocations: priority ones first, each group in arrival order. */
  private readonly queue: Invocation[] = [];
  private nextId = 1;
  private closed = false;
  private draining = false;
  /** The most heap any of its containers used during an invocation (bytes). */
  peakHeapBytes = 0;
  /** Its containers' `execArgv`: the function's NODE_OPTIONS that a worker thread takes. */
  private execArgv: string[] = [];

  constructor(
    readonly spec: FunctionSpec,
    private built: BuiltFunction,
    private env: Record<string, string>,
    private readonly log: LogSink,
    private readonly maxContainers: number = DEFAULT_CONTAINERS_PER_FUNCTION,
  ) {
    this.applyNodeOptions();
    // One warm container from the start, as after a first invocation.
    this.idle.push(this.startContainer());
  }

  /** Reads NODE_OPTIONS from the environment; what a worker thread cannot take is said once. */
  private applyNodeOptions(): void {
    const { execArgv, ignored } = containerExecArgv(this.env.NODE_OPTIONS);
    this.execArgv = execArgv;
    if (ignored.length > 0) {
      this.log(this.spec.logicalId, `NODE_OPTIONS ${ignored.join(', ')}: not applied locally (a local container is a worker thread, which cannot take it)`);
    }
  }

  /** Runs the handler with `event`. Never rejects: failures come back as the outcome. */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<Outcome> {
    return new Promise((resolve) => {
      const invocation: Invocation = { id: this.nextId++, priority: options.priority ?? false, startBy: options.startBy, event, requestId: randomUUID(), queuedAt: Date.now(), resolve };
      if (this.closed || (this.draining && !invocation.priority)) return this.answer(invocation, Date.now(), SHUTDOWN_ERROR);
      // Behind the last priority invocation, or at the end.
      const at = invocation.priority ? this.queue.findIndex((queued) => !queued.priority) : -1;
      this.queue.splice(at === -1 ? this.queue.length : at, 0, invocation);
      this.dispatch();
    });
  }

  /**
   * The first step of stopping: queued ordinary invocations fail with `Shutdown` and new ones
   * are refused; running ones go on, and priority ones are still queued and run.
   */
  drain(): void {
    this.draining = true;
    const shed = this.queue.filter((invocation) => !invocation.priority);
    this.queue.splice(0, this.queue.length, ...this.queue.filter((invocation) => invocation.priority));
    for (const invocation of shed) this.answer(invocation, Date.now(), SHUTDOWN_ERROR);
  }

  /**
   * Changes the environment, as `aws lambda update-function-configuration --environment`
   * does: running invocations finish in their containers, later ones get fresh containers
   * (one starts warm at once). The peak heap starts over.
   */
  configure(env: Record<string, string>): void {
    this.env = env;
    this.applyNodeOptions();
    this.peakHeapBytes = 0;
    this.reload(this.built);
    if (this.containers.size < this.maxContainers) this.idle.push(this.startContainer());
  }

  /** The environment its containers get. */
  get environment(): Readonly<Record<string, string>> {
    return this.env;
  }

  /** Invocations waiting for a container. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Loads a new build: idle containers go at once, busy ones after their invocation. */
  reload(built: BuiltFunction): void {
    this.built = built;
    for (const container of this.containers) container.stale = true;
    for (const container of this.idle.splice(0)) this.stop(container);
    this.dispatch();
  }

  /** Stops every container; queued and running invocations fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const invocation of this.queue.splice(0)) this.answer(invocation, Date.now(), SHUTDOWN_ERROR);
    await Promise.all(
      [...this.containers].map((container) => {
        if (container.current) this.finish(container, SHUTDOWN_ERROR);
        this.containers.delete(container);
        return container.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const next = this.queue[0];
      if (next.startBy !== undefined && Date.now() > next.startBy) {
        this.queue.shift();
        this.answer(next, next.queuedAt, EXPIRED_ERROR, undefined, undefined, true);
        continue;
      }
      let container = this.idle.pop();
      if (!container) {
        if (this.containers.size >= this.maxContainers) return;
        container = this.startContainer();
      }
      const invocation = this.queue.shift()!;
      const started = Date.now();
      const timer = setTimeout(() => this.timeOut(container!), this.spec.timeout * 1000);
      container.current = { invocation, started, timer };
      const request: InvokeRequest = { id: invocation.id, event: invocation.event, requestId: invocation.requestId, deadline: started + this.spec.timeout * 1000 };
      container.worker.postMessage(request);
    }
  }

  private startContainer(): Container {
    const container = new Container(this.built, this.spec, this.env, this.execArgv);
    this.containers.add(container);
    this.forwardLines(container.worker.stdout);
    this.forwardLines(container.worker.stderr);
    container.worker.on('message', (reply: InvokeReply) => {
      if (container.current?.invocation.id !== reply.id) return;
      this.peakHeapBytes = Math.max(this.peakHeapBytes, reply.peakHeapBytes);
      this.finish(container, reply.ok ? undefined : reply.error, reply.ok ? reply.result : undefined, reply.cpuMs);
    });
    container.worker.on('error', (error) => {
      // A crashed container fails what it was running, as a runtime exit does on Lambda.
      this.log(this.spec.logicalId, `container crashed: ${error.message}`);
      this.retire(container, { name: 'Runtime.ExitError', message: error.message });
    });
    container.worker.on('exit', (code) => {
      // One that ends by itself (process.exit in the handler) too, at once, not at its timeout.
      // A container the gateway stopped is no longer among its containers.
      if (!this.containers.has(container)) return;
      this.log(this.spec.logicalId, `container exited with code ${code}`);
      this.retire(container, { name: 'Runtime.ExitError', message: `Runtime exited with error: exit status ${code}` });
    });
    return container;
  }

  /** Settles the container's invocation and hands the container its next one. */
  private finish(container: Container, error?: Failure, result?: unknown, cpuMs?: number): void {
    const current = container.current;
    if (!current) return;
    clearTimeout(current.timer);
    container.current = undefined;
    this.answer(current.invocation, current.started, error, result, cpuMs);
    if (container.stale) this.stop(container);
    else if (this.containers.has(container)) this.idle.push(container);
    this.dispatch();
  }

  private timeOut(container: Container): void {
    const seconds = this.spec.timeout.toFixed(2);
    this.retire(container, { name: 'Sandbox.Timedout', message: `Task timed out after ${seconds} seconds` });
  }

  /** Fails the container's invocation and stops it; a fresh one takes its place on demand. */
  private retire(container: Container, error: Failure): void {
    container.stale = true;
    if (container.current) this.finish(container, error);
    else this.stop(container);
  }

  private stop(container: Container): void {
    this.containers.delete(container);
    const at = this.idle.indexOf(container);
    if (at >= 0) this.idle.splice(at, 1);
    void container.worker.terminate();
  }

  private answer(invocation: Invocation, started: number, error?: Failure, result?: unknown, cpuMs?: number, expired?: true): void {
    const times = { ms: Date.now() - started, requestId: invocation.requestId, ...(cpuMs === undefined ? {} : { cpuMs }) };
    invocation.resolve(error ? { ok: false, error, ...times, ...(expired ? { expired } : {}) } : { ok: true, result, ...times });
  }

  private forwardLines(stream: Readable): void {
    createInterface({ input: stream }).on('line', (line) => this.log(this.spec.logicalId, line));
  }
}
