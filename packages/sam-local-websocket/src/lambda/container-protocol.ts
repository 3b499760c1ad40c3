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
  /**
   * Work the handler left pending when it returned, by kind (`Timeout`, `TCPSocketWrap`...): on
   * Lambda it is frozen with the container, and runs only if a later invocation reuses it.
   */
  pending?: string[];
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
  /** Its ARN, as `context.invokedFunctionArn` gives it: the twin's partition, region and account. */
  functionArn: string;
  /** The freeze gate (one Int32): 0 while the container is frozen, 1 to wake it. */
  gate: SharedArrayBuffer;
  /** The code folder (LAMBDA_TASK_ROOT): read-only, as on Lambda. */
  codeDir: string;
  /** The container's own folder that stands for `/tmp`. */
  tmpDir: string;
  /** How much its /tmp may hold: `EphemeralStorage`, in bytes. */
  tmpLimitBytes: number;
  /** The function's layer folders, mounted at /opt in this order (layer-hooks.mjs). */
  layers?: string[];
  /** The Node.js major of its runtime (Lambda's NODE_PATH names it: /opt/nodejs/node<major>/node_modules). */
  nodeMajor?: number;
}

/** One invocation sent to a container. */
export interface InvokeRequest {
  id: number;
  /** The event as JSON text, parsed in the container (event-json.ts). */
  eventJson: string;
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
  /** Work the handler left pending when it returned, by kind (e.g. `Timeout`, `TCPSocketWrap`). */
  pending: string[];
  /** What the container's /tmp holds, bytes, when the invocation wrote there. */
  tmpBytes?: number;
};
