import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { FunctionSpec } from '../template/template.js';
import type { BuiltFunction } from './bundle.js';
import { Container, heapLimitMb, type Failure, type Invocation } from './container.js';
import { EXPIRED_ERROR, SHUTDOWN_ERROR, type InvokeReply, type InvokeRequest, type LogSink, type Outcome } from './container-protocol.js';
import { eventJson } from './event-json.js';
import { NodeOptionsReader } from './node-options.js';

/** How an invocation is queued. */
export interface QueueOptions {
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
  /** The event's JSON text as it arrived (the Invoke API's payload): passed to the container as is. */
  json?: string;
}

/** What an invocation fails with when its container runs out of memory (Lambda: the runtime aborts). */
export const OUT_OF_MEMORY_ERROR = { name: 'Runtime.ExitError', message: 'Runtime exited with error: signal: aborted (core dumped)' } as const;

/** The warning for a handler that returned with work pending, naming the function. */
export function pendingWorkWarning(functionName: string, pending: string[]): string {
  const counts = new Map<string, number>();
  for (const kind of pending) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const kinds = [...counts].map(([kind, count]) => (count > 1 ? `${kind} x${count}` : kind)).join(', ');
  return `WARNING: ${functionName} returned with work still pending (${kinds}). Lambda freezes the container when the handler returns: that work runs only if a later invocation reuses the container, and may never run. Await it before returning.`;
}

/** The warning for a container whose /tmp holds more than its EphemeralStorage. */
export function tmpFullWarning(spec: Pick<FunctionSpec, 'logicalId' | 'ephemeralStorageMb'>, bytes: number): string {
  const mb = (bytes / 1024 / 1024).toFixed(1);
  return `WARNING: ${spec.logicalId}'s /tmp holds ${mb} MB, over its EphemeralStorage of ${spec.ephemeralStorageMb ?? 512} MB: on Lambda the write that went past it fails with ENOSPC.`;
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
    private readonly nodeOptions: NodeOptionsReader = new NodeOptionsReader(),
  ) {
    this.applyNodeOptions();
    // One warm container from the start, as after a first invocation.
    this.idle.push(this.startContainer());
  }

  /** Reads NODE_OPTIONS from the environment; what a worker thread cannot take is said once. */
  private applyNodeOptions(): void {
    const { execArgv, ignored } = this.nodeOptions.containerExecArgv(this.env.NODE_OPTIONS);
    this.execArgv = execArgv;
    if (ignored.length > 0) {
      this.log(this.spec.logicalId, `NODE_OPTIONS ${ignored.join(', ')}: not applied locally (a local container is a worker thread, which cannot take it)`);
    }
  }

  /** Runs the handler with `event`. Never rejects: failures come back as the outcome. */
  invoke(event: unknown, options: QueueOptions = {}): Promise<Outcome> {
    return new Promise((resolve) => {
      const json = eventJson(event, options.json);
      const invocation: Invocation = {
        id: this.nextId++,
        priority: options.priority ?? false,
        startBy: options.startBy,
        event: typeof json === 'string' ? json : '',
        requestId: randomUUID(),
        queuedAt: Date.now(),
        resolve,
      };
      // An event that cannot cross as JSON fails here: postMessage never sees it.
      if (typeof json !== 'string') return this.answer(invocation, Date.now(), json);
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
      const request: InvokeRequest = {
        id: invocation.id,
        eventJson: invocation.event,
        requestId: invocation.requestId,
        deadline: started + this.spec.timeout * 1000,
      };
      container.wake();
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
      if (reply.pending.length > 0) this.log(this.spec.logicalId, pendingWorkWarning(this.spec.logicalId, reply.pending));
      const tmpLimit = (this.spec.ephemeralStorageMb ?? 512) * 1024 * 1024;
      if (reply.tmpBytes !== undefined && reply.tmpBytes > tmpLimit) this.log(this.spec.logicalId, tmpFullWarning(this.spec, reply.tmpBytes));
      const pending = reply.pending.length > 0 ? reply.pending : undefined;
      this.finish(container, reply.ok ? undefined : reply.error, reply.ok ? reply.result : undefined, reply.cpuMs, pending);
    });
    container.worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        // Past its MemorySize the runtime dies, and Lambda reports the exit (V8 aborts the process).
        this.log(
          this.spec.logicalId,
          `container ran out of memory (MemorySize ${this.spec.memorySize} MB, heap limit ${heapLimitMb(this.spec.memorySize)} MB): ${error.message}`,
        );
        this.retire(container, OUT_OF_MEMORY_ERROR);
        return;
      }
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
  private finish(container: Container, error?: Failure, result?: unknown, cpuMs?: number, pending?: string[]): void {
    const current = container.current;
    if (!current) return;
    clearTimeout(current.timer);
    container.current = undefined;
    this.answer(current.invocation, current.started, error, result, cpuMs, undefined, pending);
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

  private answer(invocation: Invocation, started: number, error?: Failure, result?: unknown, cpuMs?: number, expired?: true, pending?: string[]): void {
    const times = { ms: Date.now() - started, requestId: invocation.requestId, ...(cpuMs === undefined ? {} : { cpuMs }), ...(pending ? { pending } : {}) };
    invocation.resolve(error ? { ok: false, error, ...times, ...(expired ? { expired } : {}) } : { ok: true, result, ...times });
  }

  private forwardLines(stream: Readable): void {
    createInterface({ input: stream }).on('line', (line) => this.log(this.spec.logicalId, line));
  }
}
