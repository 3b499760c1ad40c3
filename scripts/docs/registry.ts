/** Every dataset and view of the documentation's figures, and reading and writing them. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { blocksOf, docPages, replaceBlocks } from './blocks.js';
import type { Data, Dataset, View } from './figure.js';
import { arithmeticViews } from './figures/arithmetic.js';
import { bundlesDataset, bundlesViews } from './figures/bundles.js';
import { cliHelpDataset, cliHelpViews } from './figures/cli-help.js';
import { coldStartDataset, coldStartViews } from './figures/cold-start.js';
import { benchDataset, installSizeDataset, measuredViews, soakDataset, sourceMapsDataset } from './figures/measured.js';
import { templateDataset, templateViews } from './figures/template.js';
import { templateSupportDataset, templateSupportViews } from './figures/template-support.js';
import { testCountsDataset, testCountsViews } from './figures/test-counts.js';

export const FIGURES_DIR = 'docs/figures';

/** The facts dataset has no code: docs/figures/aws-facts.json is edited by hand, with sources. */
const awsFactsDataset: Dataset = {
  name: 'aws-facts',
  kind: 'facts',
  howTo: 'edit docs/figures/aws-facts.json by hand, with each source and the date it was read',
};

export const DATASETS: Dataset[] = [
  templateDataset,
  templateSupportDataset,
  bundlesDataset,
  cliHelpDataset,
  testCountsDataset,
  benchDataset,
  sourceMapsDataset,
  coldStartDataset,
  soakDataset,
  installSizeDataset,
  awsFactsDataset,
];

export const VIEWS: View[] = [
  ...templateViews,
  ...templateSupportViews,
  ...bundlesViews,
  ...cliHelpViews,
  ...testCountsViews,
  ...measuredViews,
  ...coldStartViews,
  ...arithmeticViews,
];

export const datasetFile = (name: string): string => `${FIGURES_DIR}/${name}.json`;

export function dataset(name: string): Dataset {
  const found = DATASETS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no dataset ${name}; there are ${DATASETS.map((d) => d.name).join(', ')}`);
  return found;
}

export function view(name: string): View {
  const found = VIEWS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no view ${name}; there are ${VIEWS.map((v) => v.name).join(', ')}`);
  return found;
}

/** The committed datasets, read once each. */
export function savedData(): Data {
  const cache = new Map<string, unknown>();
  return (name) => {
    if (!cache.has(name)) {
      const file = datasetFile(dataset(name).name);
      if (!existsSync(file)) throw new Error(`${file} is missing: ${dataset(name).howTo}`);
      cache.set(name, JSON.parse(readFileSync(file, 'utf8')));
    }
    return cache.get(name);
  };
}

export function saveDataset(name: string, data: unknown): void {
  writeFileSync(datasetFile(name), `${JSON.stringify(data, null, 2)}\n`);
}

/** A view's text: what its generated blocks must hold. */
export const render = (name: string, data: Data = savedData()): string => view(name).render(data);

/** Re-renders every generated block of every page from the saved datasets; returns the pages that changed. */
export function renderPages(data: Data = savedData()): string[] {
  const changed: string[] = [];
  for (const page of docPages()) {
    const text = readFileSync(page, 'utf8');
    const next = replaceBlocks(text, (name) => render(name, data), page);
    if (next !== text) {
      writeFileSync(page, next);
      changed.push(page);
    }
  }
  return changed;
}

/** Every generated block that does not hold what its view renders, as `page: name`. */
export function staleBlocks(data: Data = savedData()): string[] {
  return docPages().flatMap((page) =>
    blocksOf(readFileSync(page, 'utf8'), page)
      .filter((block) => block.content !== render(block.name, data))
      .map((block) => `${page}: ${block.name}`),
  );
}

/** Recomputes a derived or counted dataset and says whether the saved one still equals it. */
export async function recompute(name: string): Promise<{ fresh: unknown; stale: boolean }> {
  const d = dataset(name);
  if (!d.collect || (d.kind !== 'derived' && d.kind !== 'counted')) throw new Error(`${name} is ${d.kind}: it cannot be recomputed`);
  const fresh = JSON.parse(JSON.stringify(await d.collect()));
  const file = datasetFile(name);
  const saved = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  return { fresh, stale: !isDeepStrictEqual(fresh, saved) };
}
