/**
 * (d) No page states a measurement in its prose: sizes, timings, rates, ratios, money and test
 * counts live in generated blocks (npm run docs:figures), so none can go stale unnoticed. The
 * allow-list holds AWS's limits and quotas, which are facts.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { docPages } from '../../../scripts/docs/blocks.js';
import { ALLOWED_FACTS, measurementsIn, proseOf } from '../../../scripts/docs/prose-figures.js';

describe('doc figures: (d) prose states no measurement', () => {
  for (const page of docPages()) {
    it(`${page}: every size, timing, rate, ratio, cost or test count is in a generated block`, () => {
      expect(measurementsIn(readFileSync(page, 'utf8'), page)).to.deep.equal([]);
    });
  }

  it('finds what it is meant to find, and lets facts, code and generated blocks be', () => {
    const found = (text: string) => measurementsIn(text).map((line) => /"([^"]+)"/.exec(line)![1]);
    expect(found('A broadcast takes 354 ms, the bundle is 460.6 KB, and about 5,000 posts per second.')).to.deep.equal([
      '354 ms',
      '460.6 KB',
      '5,000 posts per second',
    ]);
    expect(found('It costs $1.00 per million; 1,044 tests pass; 3.4× faster; 15–22 ms; 89.5% of lines.')).to.deep.equal([
      '3.4×',
      '15–22 ms',
      '89.5%',
      '$1.00',
      '1,044 tests',
    ]);
    expect(found('Messages up to 128 KB in frames of 32 KB; the route gives up after 29 s; `--latency 20` ms')).to.deep.equal([]);
    expect(found('<!-- generated:bench by npm run docs:figures; do not edit by hand -->\n354 ms\n<!-- /generated:bench -->\n```\n12 ms\n```')).to.deep.equal(
      [],
    );
    expect(found('See [the quota](https://example.com/2 h) and RFC 6455 §7.1.1, status 1009, Node.js 24, arm64.')).to.deep.equal([]);
  });

  it('keeps the allow-list short, each entry with its reason', () => {
    expect(Object.keys(ALLOWED_FACTS).length).to.be.at.most(15);
    for (const [fact, reason] of Object.entries(ALLOWED_FACTS)) expect(reason, fact).to.have.length.greaterThan(10);
    expect(proseOf('a `123 ms` b')).to.equal('a  b');
  });
});
