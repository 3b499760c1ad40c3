/**
 * The store's engine runs in a worker thread of its own (./engine/worker.ts), so that no
 * request, however slow or hostile, holds up the thread that serves the WebSocket API, the
 * page and @connections. This is the parent's side: start, command, and notice an exit.
 */
import { Worker } from 'node:worker_threads';
import type { EngineCommand, EngineMessage, EngineOptions, EngineReply } from './engine/protocol.js';

const ENTRY = new URL('./engine/worker-entry.mjs', import.meta.url);
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER = new URL(`./engine/worker${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);
/** From a source checkout only: tsx's API, which the worker registers to load TypeScript (bin/ does the same). */
const TYPESCRIPT_LOADER = 'tsx/esm/api';

/** An error of the engine's thread, with the code it had there (`EADDRINUSE`, …). */
function engineError(failure: { message: string; code?: string }): NodeJS.ErrnoException {
  return Object.assign(new Error(failure.message), failure.code ? { code: failure.code } : {});
}

/** A running engine thread. */
export interface EngineThread {
  port: number;
  /** False once the thread has ended. */
  readonly running: boolean;
  /** Sends a command; resolves when the engine has carried it out. */
  command(type: EngineCommand['type']): Promise<void>;
  /** Resolves when the thread has ended, for whatever reason. */
  exited: Promise<number>;
  terminate(): Promise<void>;
}

/** Starts the engine's thread; resolves once it listens, rejects with its listen error. */
export function startEngineThread(options: EngineOptions): Promise<EngineThread> {
  const typescript = FROM_SOURCE ? TYPESCRIPT_LOADER : undefined;
  const worker = new Worker(ENTRY, { workerData: { entry: WORKER.href, typescript, options } });
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  // An engine that dies fails what waits on it; the store notices through `exited`.
  let failure: Error | undefined;
  worker.on('error', (error) => (failure = error));
  let running = true;
  exited.then(() => {
    running = false;
    for (const { reject } of pending.values()) reject(new Error('the local store’s engine stopped'));
    pending.clear();
  });
  return new Promise((resolve, reject) => {
    exited.then(() => reject(failure ?? new Error('the local store’s engine stopped before it listened')));
    worker.on('message', (message: EngineMessage) => {
      if ('type' in message) {
        if (message.type === 'failed') {
          reject(engineError(message.error));
          void worker.terminate();
          return;
        }
        resolve({
          port: message.port,
          get running() {
            return running;
          },
          exited,
          terminate: async () => {
            await worker.terminate();
          },
          command: (type) =>
            new Promise<void>((done, fail) => {
              if (!running) return fail(new Error('the local store’s engine stopped'));
              const id = nextId++;
              pending.set(id, { resolve: done, reject: fail });
              worker.postMessage({ id, type } satisfies EngineCommand);
            }),
        });
        return;
      }
      const reply = message as EngineReply;
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) waiter?.resolve();
      else waiter?.reject(engineError(reply.error));
    });
  });
}

/** An engine kept running: {@link superviseEngine}. */
export interface SupervisedEngine {
  /** The thread running now. */
  readonly current: EngineThread;
  /** From now on an ended thread is not replaced (call before closing it). */
  stop(): void;
}

/**
 * Starts an engine thread and keeps one running: `prepare` runs on each new thread before it
 * counts as started (the store creates its tables there); should a thread end while not
 * stopped, another is started on the same port, prepared, and `onRestart` told its exit code.
 */
export async function superviseEngine(
  options: EngineOptions,
  prepare: (thread: EngineThread) => Promise<void>,
  onRestart?: (exitCode: number) => void,
): Promise<SupervisedEngine> {
  let stopped = false;
  const start = async (port: number): Promise<EngineThread> => {
    const thread = await startEngineThread({ ...options, port });
    try {
      await prepare(thread);
      if (stopped) throw new Error('the local store was closed while its engine started again');
    } catch (error) {
      await thread.terminate();
      throw error;
    }
    void thread.exited
      .then(async (code) => {
        if (stopped) return;
        current = await start(thread.port);
        onRestart?.(code);
      })
      .catch(() => {}); // could not start again (the port taken meanwhile): requests are refused, as when paused
    return thread;
  };
  let current = await start(options.port);
  return {
    get current() {
      return current;
    },
    stop: () => {
      stopped = true;
    },
  };
}
