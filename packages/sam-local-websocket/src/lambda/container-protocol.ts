/**
 * What a container (a worker thread running worker.mjs) and the function that runs it
 * (invoker.ts) exchange, and the outcomes and errors an invocation can end with.
 */
/** How an invocation ended: the handler's answer, or the error Lambda would report. */
export type Outcome =
  | ({ ok: true; result: unknown } & OutcomeTimes)
  | ({ ok: false; error: { name: string; message: string } /** It never started: its `startBy` passed while it waited. */; expired?: true } & OutcomeTimes);

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
  /** The function's layer folders, mounted at /opt in this order (layer-hooks.mjs). */
  layers?: string[];
  /** The Node.js major of its runtime (Lambda's NODE_PATH names it: /opt/nodejs/node<major>/node_modules). */
  nodeMajor?: number;
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
