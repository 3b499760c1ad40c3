/**
 * What `npm run cold-start` (scripts/cold-start.ts) saves, and its Markdown: the table it
 * prints and the one docs/performance.md shows (npm run docs:figures -- cold-start).
 */
import type { Spread } from './bench-report.js';

/** One function: what its cold start reads, how long importing it takes, and its first answered event. */
export interface ColdStartFunction {
  function: string;
  /** The entry and the chunks it imports statically (bundle-loads.ts). */
  loadedBytes: number;
  loadedFiles: number;
  /** Every JavaScript file of the bundle, lazy chunks too. */
  totalBytes: number;
  importMs: Spread;
  /** The importing process's main-thread CPU time meanwhile (less sensitive to other work on the machine). */
  importCpuMs: Spread;
  /** `npm run invoke` of its event file against a local gateway: the command's wall time, and its REPORT Duration (container start to answer). */
  invoke?: { event: string; wallMs: Spread; durationMs: Spread };
}

/** The JSON scripts/cold-start.ts writes. */
export interface ColdStartResult {
  command: string;
  date: string;
  machine: { cores: number; cpu: string; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  runs: number;
  invokes: number;
  functions: ColdStartFunction[];
  /** The unbundled SDK clients the Lambda runtime provides, imported from node_modules, in the same run. */
  reference: { importMs: Spread; importCpuMs: Spread; withClientsMs: Spread; withClientsCpuMs: Spread };
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value: Spread) => `${value.median} (${value.min}–${value.max})`;
const ratio = (reference: number, value: number) => (value > 0 ? `${(reference / value).toFixed(2)}×` : '');

/** The tables, without the provenance line. */
export function coldStartMarkdown(result: ColdStartResult): string {
  const ref = result.reference;
  const withInvoke = result.functions.some((fn) => fn.invoke);
  return [
    `Import: median (min–max) of ${result.runs} fresh Node.js processes per bundle, the bundles and the reference alternating, each with its function's \`NODE_OPTIONS\` (\`--enable-source-maps\`, as deployed); main-thread CPU beside it. "× reference": the reference's median import time over the bundle's. Loaded at import: the entry file and the chunks it imports statically (KB = 1,024 bytes); all files: lazy chunks too.`,
    '',
    '| function | loaded at import KB (files) | all files KB | import ms | import CPU ms | × reference |',
    '| :--- | ---: | ---: | ---: | ---: | ---: |',
    ...result.functions.map(
      (fn) =>
        `| ${fn.function} | ${kb(fn.loadedBytes)} (${fn.loadedFiles}) | ${kb(fn.totalBytes)} | ${ms(fn.importMs)} | ${ms(fn.importCpuMs)} | ${ratio(ref.importMs.median, fn.importMs.median)} |`,
    ),
    `| reference: \`@aws-sdk/client-dynamodb\` and \`@aws-sdk/client-apigatewaymanagementapi\` unbundled from node_modules, as the Lambda runtime provides them | | | ${ms(ref.importMs)} | ${ms(ref.importCpuMs)} | 1.00× |`,
    `| reference, and both clients created (what an unbundled function does at init) | | | ${ms(ref.withClientsMs)} | ${ms(ref.withClientsCpuMs)} | |`,
    ...(withInvoke
      ? [
          '',
          `First answered event: \`npm run invoke\` of each function's event file against a local gateway started by the script, ${result.invokes} per function after one warm-up (which fills the build cache), the functions alternating. Each runs in a fresh container: it loads the bundle, answers, stops. Wall: the whole command (npm and tsx start-up included); Duration: its REPORT line, from the container's start to the answer.`,
          '',
          '| function | event | wall ms | Duration ms |',
          '| :--- | :--- | ---: | ---: |',
          ...result.functions.flatMap((fn) =>
            fn.invoke ? [`| ${fn.function} | \`${fn.invoke.event}\` | ${ms(fn.invoke.wallMs)} | ${ms(fn.invoke.durationMs)} |`] : [],
          ),
        ]
      : []),
  ].join('\n');
}
