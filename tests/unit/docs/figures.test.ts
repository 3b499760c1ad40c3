/**
 * The documentation's figures are never typed by hand, and a stale one fails here:
 *   (a) every generated block of README.md and docs/*.md holds exactly what its view renders from
 *       the committed data (docs/figures/*.json): a hand edit fails;
 *   (b) the derived data (template tables, bundle sizes, help texts) is recomputed from the
 *       repository and must equal the committed data (test counts: npm run docs:check, in CI);
 *   (c) measured data carries the command that produced it, its date and the machine, and its
 *       views print them; every AWS price and quota names its source;
 *   (d) no number that looks like a measurement appears in a page's prose outside generated
 *       blocks, except the AWS facts of the allow-list (tests/unit/docs/prose.test.ts).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { blocksOf, docPages, replaceBlocks } from '../../../scripts/docs/blocks.js';
import { checkProvenance } from '../../../scripts/docs/figures/measured.js';
import { DATASETS, VIEWS, dataset, datasetFile, recompute, render, savedData, staleBlocks } from '../../../scripts/docs/registry.js';

const pages = docPages();
const blocks = pages.flatMap((page) => blocksOf(readFileSync(page, 'utf8'), page).map((block) => ({ page, ...block })));

describe('doc figures: generated blocks', () => {
  it('the pages hold generated blocks, each named after a known view', () => {
    expect(blocks.length).to.be.greaterThan(5);
    const names = new Set(VIEWS.map((view) => view.name));
    for (const block of blocks) expect(names.has(block.name), `${block.page}: ${block.name}`).to.equal(true);
  });

  it('(a) every block holds what its view renders from docs/figures/*.json', () => {
    expect(staleBlocks()).to.deep.equal([]);
  });

  it('(a) a hand edit inside a block is caught', () => {
    const page = blocks.find((block) => /\d/.test(block.content))!.page;
    const text = readFileSync(page, 'utf8');
    const block = blocksOf(text, page).find((candidate) => /\d/.test(candidate.content))!;
    const edited = text.slice(0, block.start) + block.content.replace(/\d/, (digit) => String((Number(digit) + 1) % 10)) + text.slice(block.end);
    const stale = blocksOf(edited, page).filter((candidate) => candidate.content !== render(candidate.name));
    expect(stale.map((candidate) => candidate.name)).to.deep.equal([block.name]);
    // ...and rendering puts it back.
    expect(replaceBlocks(edited, (name) => render(name), page)).to.equal(text);
  });

  it('markers come in pairs and name the command that writes them', () => {
    expect(() => blocksOf('<!-- generated:bench by npm run docs:figures; do not edit by hand -->\ntext\n')).to.throw(/has no/);
    expect(() => blocksOf('<!-- generated:bench typed by hand -->\ntext\n<!-- /generated:bench -->')).to.throw(/must read/);
    expect(blocksOf('<!-- generated:bench by npm run docs:figures; do not edit by hand -->\ntext\n<!-- /generated:bench -->')).to.have.length(1);
  });

  it('every view is shown somewhere, and every file in docs/figures is a dataset a view reads', () => {
    const shown = new Set(blocks.map((block) => block.name));
    expect(
      VIEWS.map((view) => view.name).filter((name) => !shown.has(name)),
      'views no page shows',
    ).to.deep.equal([]);
    const read = new Set(VIEWS.flatMap((view) => view.reads));
    const files = readdirSync('docs/figures').filter((name) => name.endsWith('.json'));
    expect(
      files.filter((file) => !read.has(file.replace(/\.json$/, ''))),
      'data no view reads',
    ).to.deep.equal([]);
    for (const name of read) expect(files, `${name} is read by a view`).to.include(`${name}.json`);
  });
});

describe('doc figures: (b) derived data is what the repository gives', function () {
  this.timeout(60_000);
  for (const d of DATASETS.filter((candidate) => candidate.kind === 'derived')) {
    it(`${datasetFile(d.name)}: ${d.howTo}`, async () => {
      const { fresh, stale } = await recompute(d.name);
      const saved = savedData()(d.name);
      // On a difference, show it: the fix is `npm run docs:figures -- NAME`.
      if (stale) expect(saved, `run npm run docs:figures -- ${d.name}`).to.deep.equal(fresh);
      expect(stale).to.equal(false);
    });
  }

  it('test counts are recomputed by npm run docs:check (CI), not here: too slow for every run', () => {
    expect(dataset('test-counts').kind).to.equal('counted');
    const ci = readFileSync('.ci/run', 'utf8');
    expect(ci).to.match(/^npm run docs:check$/m);
  });
});

describe('doc figures: (c) measured data says what ran, when and where', () => {
  for (const d of DATASETS.filter((candidate) => candidate.kind === 'measured')) {
    it(`${datasetFile(d.name)}: carries its command, date and machine, and its views print the command and date`, () => {
      const data = savedData()(d.name) as { command: string; date: string };
      checkProvenance(data, d.name);
      for (const view of VIEWS.filter((candidate) => candidate.reads.includes(d.name))) {
        const text = render(view.name);
        expect(text, view.name).to.include(d.name === 'bench' || view.reads.length === 1 ? data.command : data.date.slice(0, 10));
        expect(text, view.name).to.include(data.date.slice(0, 10));
      }
    });
  }

  it('a JSON without its command, date or machine is refused', () => {
    expect(() => checkProvenance({ date: '2026-12-04T00:00:00Z', machine: { cores: 2, node: 'v24' } }, 'x')).to.throw(/command/);
    expect(() => checkProvenance({ command: 'npm run bench', machine: { cores: 2, node: 'v24' } }, 'x')).to.throw(/date/);
    expect(() => checkProvenance({ command: 'npm run bench', date: '2026-12-04T00:00:00Z' }, 'x')).to.throw(/machine/);
  });

  it('every AWS price and quota names its source and how it was read', () => {
    const facts = savedData()('aws-facts') as {
      checked: string;
      prices: Record<string, { usd: number; source: string; checkedHow: string }>;
      quotas: Record<string, { value: number; source: string }>;
    };
    expect(Date.parse(facts.checked)).to.not.be.NaN;
    for (const [name, price] of Object.entries(facts.prices)) {
      expect(price.usd, name).to.be.a('number');
      expect(price.source, name).to.match(/^https:\/\/aws\.amazon\.com\//);
      expect(price.checkedHow, name).to.be.a('string').and.not.equal('');
    }
    for (const [name, quota] of Object.entries(facts.quotas)) {
      expect(quota.value, name).to.be.a('number');
      expect(quota.source, name).to.match(/^(https:\/\/docs\.aws\.amazon\.com\/|\/work\/shared\/AWS-FACTS\.md)/);
    }
  });
});
