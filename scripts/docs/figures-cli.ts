/**
 * npm run docs:figures -- [NAME...] [--from FILE] [--measure] [--render]
 *   Recomputes the named datasets (default: every derived and counted one) into
 *   docs/figures/NAME.json, then renders every generated block of README.md and docs/*.md from
 *   the saved datasets. A measured dataset is saved from the JSON its command wrote (--from FILE),
 *   or measured here with --measure when it can be. --render only re-renders the blocks.
 *
 * npm run docs:check
 *   Fails (exit 1) when a derived or counted dataset is no longer what the repository gives, or a
 *   generated block is not what its view renders. CI runs it (.ci/run); `npm test` checks the
 *   derived ones itself (tests/unit/docs/).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DATASETS, dataset, datasetFile, recompute, renderPages, saveDataset, staleBlocks } from './registry.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    measure: { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});

const recomputable = DATASETS.filter((d) => d.kind === 'derived' || d.kind === 'counted').map((d) => d.name);

if (values.check) {
  const problems: string[] = [];
  for (const name of recomputable) {
    if ((await recompute(name)).stale) problems.push(`${datasetFile(name)} is stale (${dataset(name).howTo}): run npm run docs:figures -- ${name}`);
  }
  problems.push(...staleBlocks().map((block) => `${block} does not hold what its view renders: run npm run docs:figures -- --render`));
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`docs:check: ${recomputable.join(', ')} are fresh; every generated block holds what its view renders`);
  process.exit(0);
}

if (!values.render) {
  const names = positionals.length > 0 ? positionals : recomputable;
  if (values.from !== undefined && names.length !== 1) throw new Error('--from takes one dataset name');
  for (const name of names) {
    const d = dataset(name);
    let data: unknown;
    if (values.from !== undefined) {
      if (!d.fromFile) throw new Error(`${name} is ${d.kind}, not saved from a file: ${d.howTo}`);
      data = d.fromFile(JSON.parse(readFileSync(values.from, 'utf8')));
    } else if (d.kind === 'measured') {
      if (!values.measure || !d.collect) throw new Error(`${name} is measured: ${d.howTo}`);
      data = await d.collect();
    } else if (d.collect) {
      data = await d.collect();
    } else {
      throw new Error(`${name} is ${d.kind}: ${d.howTo}`);
    }
    saveDataset(name, data);
    console.log(`${datasetFile(name)} written`);
  }
}
const changed = renderPages();
console.log(changed.length > 0 ? `rendered: ${changed.join(', ')}` : 'every generated block was already up to date');
