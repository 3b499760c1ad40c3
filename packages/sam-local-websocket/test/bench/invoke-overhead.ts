/**
 * The container's own cost per invocation: sequential invocations of a handler that does
 * nothing, timed from `invoke()` to its outcome (µs). Prints one JSON line: median, p10, p90.
 * Run alone (under `flock /work/wt/heavy.lock`): `node --import tsx test/bench/invoke-overhead.ts [count]`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFunction } from '../../src/lambda/invoker.js';
import type { FunctionSpec } from '../../src/template/template.js';

const count = Number(process.argv[2] ?? 3000);
const dir = mkdtempSync(join(tmpdir(), 'invoke-overhead-'));
writeFileSync(join(dir, 'app.mjs'), 'export const handler = async (event) => event;\n');
const spec: FunctionSpec = { logicalId: 'Fn', codeDir: dir, handler: 'app.handler', timeout: 30, memorySize: 128, environment: {}, buildProperties: {} };
const fn = new LocalFunction(
  spec,
  { logicalId: 'Fn', file: join(dir, 'app.mjs'), exportName: 'handler', bytes: 0, inputs: [], outputs: [] },
  { PATH: process.env.PATH ?? '' },
  () => {},
  1,
);
try {
  for (let i = 0; i < 300; i++) await fn.invoke({ i }); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    const outcome = await fn.invoke({ i });
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
    if (!outcome.ok) throw new Error(`invocation failed: ${outcome.error.message}`);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => Math.round(samples[Math.floor(q * (samples.length - 1))]);
  console.log(JSON.stringify({ count, medianUs: at(0.5), p10Us: at(0.1), p90Us: at(0.9), p99Us: at(0.99) }));
} finally {
  await fn.close();
  rmSync(dir, { recursive: true, force: true });
}
