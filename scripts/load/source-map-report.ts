/**
 * What scripts/load/source-map-cost.ts saves, and its Markdown: the table it prints and the one
 * docs/performance.md shows (npm run docs:figures).
 */
import type { Spread } from './bench-report.js';

export const SOURCE_MAP_VARIANTS = ['before', 'after', 'full map'] as const;
export type SourceMapVariant = (typeof SOURCE_MAP_VARIANTS)[number];

export interface FunctionCost {
  function: string;
  variants: Record<SourceMapVariant, { bundleBytes: number; mapBytes: number; importMs: Spread; firstStackMs: Spread }>;
}

/** The JSON source-map-cost.ts writes. */
export interface SourceMapResult {
  /** The command as typed. */
  command: string;
  date: string;
  machine: { cores: number; node: string; loadAverageAtEnd: number[] };
  runs: number;
  results: FunctionCost[];
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value: Spread) => `${value.median} (${value.min}–${value.max})`;

/** The table, with what ran, when and where above it. */
export function sourceMapMarkdown(result: SourceMapResult): string {
  const names = SOURCE_MAP_VARIANTS;
  return [
    `Measured by \`${result.command}\` on ${result.date.slice(0, 16).replace('T', ' ')} UTC: ${result.machine.cores} cores (load average ${result.machine.loadAverageAtEnd[0].toFixed(1)} at the end), Node.js ${result.machine.node}; median (min–max) of ${result.runs} fresh processes per variant, alternating.`,
    '',
    `| function | bundle KB ${names.join(' / ')} | map KB ${names.slice(1).join(' / ')} | import ms ${names.join(' / ')} | first error stack ms ${names.join(' / ')} |`,
    '| :--- | ---: | ---: | ---: | ---: |',
    ...result.results.map((cost) => {
      const v = names.map((name) => cost.variants[name]);
      return `| ${cost.function} | ${v.map((x) => kb(x.bundleBytes)).join(' / ')} | ${v
        .slice(1)
        .map((x) => kb(x.mapBytes))
        .join(' / ')} | ${v.map((x) => ms(x.importMs)).join(' / ')} | ${v.map((x) => ms(x.firstStackMs)).join(' / ')} |`;
    }),
  ].join('\n');
}
