/**
 * The benchmark's baseline, run in a worker thread like a function container: a bare loop
 * of PostToConnection calls through the same poster as the broadcast handler (lean or SDK),
 * with no scan, queue or bookkeeping. Bundled by esbuild like a function before it runs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { postersOf, type BenchClient } from './bench-posting.js';

export interface BareLoopInput {
  endpoint: string;
  connectionIds: string[];
  payload: string;
  concurrency: number;
  maxSockets?: number;
  /** The poster the handler uses in the run (bench-posting.ts). */
  client: BenchClient;
  passes: number;
}

const input = workerData as BareLoopInput;
const payload = Buffer.from(input.payload);
const poster = postersOf(input.client).forEndpoint(input.endpoint, input.maxSockets);
const post = (connectionId: string, data: Uint8Array) => poster.post(connectionId, data);

let failed = 0;
/** How many posts failed with each error name (e.g. TimeoutError): the reason a baseline failed. */
const failures: Record<string, number> = {};

/** One pass over every connection; resolves with posts per second. */
async function pass(): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(input.concurrency, input.connectionIds.length) }, async () => {
      while (next < input.connectionIds.length) {
        const connectionId = input.connectionIds[next++];
        try {
          await post(connectionId, payload);
        } catch (error) {
          failed++;
          const name = (error as Error | undefined)?.name ?? 'Error';
          failures[name] = (failures[name] ?? 0) + 1;
        }
      }
    }),
  );
  return (input.connectionIds.length / (performance.now() - started)) * 1000;
}

// As many passes as the handler ran broadcasts, so both are measured equally warm.
const rates: number[] = [];
for (let i = 0; i < input.passes; i++) rates.push(await pass());
parentPort!.postMessage({ rates, failed, failures });
