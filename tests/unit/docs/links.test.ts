/**
 * Every relative link of README.md and docs/*.md reaches a file of the repository, and every
 * `#anchor` a heading of the page it names (GitHub's slugs), so moving a section breaks a test,
 * not a reader's click. Links to the twin's package are checked once it exists.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { docPages } from '../../../scripts/docs/blocks.js';

/** GitHub's anchor for a heading: lower case, no punctuation but `-` and `_`, spaces as `-`. */
export const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const anchorsOf = (file: string) =>
  new Set(
    readFileSync(file, 'utf8')
      .replace(/^```[\s\S]*?^```/gm, '')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slug(line.replace(/^#+ /, ''))),
  );

describe('doc links', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Try it locally: `npm start -- --auth jwt`')).to.equal('try-it-locally-npm-start------auth-jwt');
    expect(slug("Lambda's Invoke API")).to.equal('lambdas-invoke-api');
    expect(slug('Which Node.js runs what')).to.equal('which-nodejs-runs-what');
  });

  for (const page of docPages()) {
    it(`${page}: every relative link and anchor resolves`, () => {
      const text = readFileSync(page, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
      const broken: string[] = [];
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#');
        const file = path === '' ? page : normalize(join(dirname(page), path));
        if (file.startsWith('packages/') && !existsSync('packages')) continue;
        if (!existsSync(file)) broken.push(`${target}: no ${file}`);
        else if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${file}`);
      }
      expect(broken).to.deep.equal([]);
    });
  }
});
