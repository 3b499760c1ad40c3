/**
 * What a documentation figure is made of: a dataset (docs/figures/NAME.json, written only by
 * `npm run docs:figures`) and the views that render it into generated blocks.
 *
 * Kinds of dataset, by how a stale one is caught:
 *   derived   recomputed from the repository in a few seconds (template.yaml, the bundles, the
 *             help texts): `npm test` recomputes it and compares (tests/unit/docs/figures.test.ts)
 *   counted   recomputed from the repository, but too slow for every `npm test` (the test
 *             counts): `npm run docs:check`, which CI runs, recomputes it and compares
 *   measured  timings that no test can repeat: written from the JSON its command saved, and
 *             each carries that command, the date and the machine, which its views print
 *   facts     AWS prices and quotas, edited by hand, each with its source and the date it was read
 */
export type Kind = 'derived' | 'counted' | 'measured' | 'facts';

export interface Dataset<T = unknown> {
  name: string;
  kind: Kind;
  /** How the data is made (a command or a file), for error messages and docs/development.md. */
  howTo: string;
  /** derived and counted: recompute it from the repository. measured: measure (only when asked by name). */
  collect?: () => Promise<T>;
  /** measured: the data to save from the JSON its command wrote (`--from FILE`); throws if it is not such a JSON. */
  fromFile?: (json: unknown) => T;
}

/** The saved datasets, by name. */
export type Data = (name: string) => unknown;

export interface View {
  /** The block name: `<!-- generated:NAME ... -->`. */
  name: string;
  /** The datasets it reads. */
  reads: string[];
  render: (data: Data) => string;
}

/** What a measured dataset must carry, so that its views can say what ran, when and where. */
export interface Provenance {
  command: string;
  date: string;
  machine: { cores: number; node: string; cpu?: string; loadAverageAtStart?: number[]; loadAverageAtEnd?: number[] };
}

/** The provenance line a measured view prints above its figures. */
export function provenanceLine(p: Provenance): string {
  const load = (values?: number[]) => (values && values.length > 0 ? values.map((value) => value.toFixed(1)).join(' / ') : undefined);
  const [start, end] = [load(p.machine.loadAverageAtStart), load(p.machine.loadAverageAtEnd)];
  const loads =
    start && end ? `; load average (1/5/15 min) ${start} at the start, ${end} at the end` : end ? `; load average (1/5/15 min) ${end} at the end` : '';
  return `Measured by \`${p.command}\` on ${p.date.slice(0, 16).replace('T', ' ')} UTC: ${p.machine.cores} cores${p.machine.cpu ? ` (${p.machine.cpu})` : ''}, Node.js ${p.machine.node}${loads}.`;
}

/** Thousands separated, as the tables print counts. */
export const count = (value: number): string => value.toLocaleString('en-US');
/** Bytes as KB with one decimal. */
export const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
