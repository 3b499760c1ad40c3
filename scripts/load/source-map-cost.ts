/**
 * What source maps cost each function: `npx tsx scripts/load/source-map-cost.ts [--runs N]
 * [--out FILE]`. Each function of template.yaml is bundled three ways, with its
 * template's esbuild settings otherwise:
 *
 *   before   Sourcemap off, Node without --enable-source-maps (the template before issue 25)
 *   after    the template's settings (Sourcemap: true, SourcesContent "false": a map without the
 *            sources' text) and NODE_OPTIONS=--enable-source-maps, as on Lambda
 *   full map the same with the sources' text in the map (esbuild's default)
 *
 * and measured in fresh Node.js processes, the variants alternating (A B C A B C ...): the
 * bundle and map sizes, the import time (the load part of a cold start, as cold-start.ts
 * measures it), and the time to the first error's stack (a handler that throws: Node maps each
 * frame through the source map on first use). Prints Markdown (median and min–max) and writes
 * JSON (`npm run docs:figures -- source-maps --from FILE` puts it into docs/performance.md).
 */
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { esbuildOptions, functionsOf, loadTemplate } from 'sam-local-websocket';
import { spread } from './bench-report.js';
import { SOURCE_MAP_VARIANTS, sourceMapMarkdown, type FunctionCost, type SourceMapResult } from './source-map-report.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    out: { type: 'string', default: 'bench-results/source-maps.json' },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number above 0, got "${values.runs}"`);

const VARIANTS = [
  { name: 'before', build: { sourcemap: false }, nodeOptions: '' },
  { name: 'after', build: {}, nodeOptions: '--enable-source-maps' },
  { name: 'full map', build: { sourcesContent: true }, nodeOptions: '--enable-source-maps' },
] as const;
if (VARIANTS.some((variant, index) => variant.name !== SOURCE_MAP_VARIANTS[index])) throw new Error('VARIANTS and SOURCE_MAP_VARIANTS disagree');

// One fresh process: import the bundle, then call its handler with an event whose
// requestContext throws (a plain Error from inside the bundle), and read that error's stack.
const PROBE = `const t0 = performance.now();
const m = await import(process.argv[1]);
const t1 = performance.now();
const probe = { get requestContext() { throw new Error('probe'); }, get headers() { throw new Error('probe'); } };
try { await m.handler(probe, undefined); } catch (error) { String(error.stack); }
const t2 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, firstStackMs: t2 - t1 }));`;

function measure(file: string, nodeOptions: string, environment: Record<string, string>): { importMs: number; firstStackMs: number } {
  const { NODE_OPTIONS: _, ...inherited } = process.env;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE, pathToFileURL(file).href], {
    env: { ...inherited, ...environment, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
    // The probe's own log lines (Powertools' error record) are not the measurement.
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  return JSON.parse(output.slice(output.lastIndexOf('{"importMs"')));
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const { template, baseDir } = loadTemplate('template.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'source-map-cost-'));
const results: FunctionCost[] = [];
const environment = { TABLE_NAME: 'bench', AUTH_TOKEN: 'bench', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'ERROR' };
try {
  for (const fn of functionsOf(template, baseDir)) {
    const built = await Promise.all(
      VARIANTS.map(async (variant, index) => {
        const options = { ...esbuildOptions(fn, join(scratch, fn.logicalId, String(index))), ...variant.build };
        await esbuild.build(options);
        const file = join(options.outdir!, 'app.mjs');
        return { variant, file, bundleBytes: statSync(file).size, mapBytes: options.sourcemap ? statSync(`${file}.map`).size : 0 };
      }),
    );
    const samples = built.map(() => ({ importMs: [] as number[], firstStackMs: [] as number[] }));
    process.stderr.write(`${fn.logicalId}: ${runs} × ${VARIANTS.length} fresh processes …\n`);
    for (let run = 0; run < runs; run++) {
      built.forEach(({ variant, file }, index) => {
        const sample = measure(file, variant.nodeOptions, environment);
        samples[index].importMs.push(round(sample.importMs));
        samples[index].firstStackMs.push(round(sample.firstStackMs));
      });
    }
    results.push({
      function: fn.logicalId,
      variants: Object.fromEntries(
        built.map(({ variant, bundleBytes, mapBytes }, index) => [
          variant.name,
          { bundleBytes, mapBytes, importMs: spread(samples[index].importMs), firstStackMs: spread(samples[index].firstStackMs) },
        ]),
      ) as FunctionCost['variants'],
    });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const result: SourceMapResult = {
  command: ['npm run source-map-cost --', ...process.argv.slice(2)].join(' '),
  date: new Date().toISOString(),
  machine: { cores: cpus().length, node: process.version, loadAverageAtEnd: loadavg() },
  runs,
  results,
};
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify(result, null, 2));
console.log(sourceMapMarkdown(result));
console.error(`Wrote ${values.out} (npm run docs:figures -- source-maps --from ${values.out} puts it into docs/performance.md)`);
