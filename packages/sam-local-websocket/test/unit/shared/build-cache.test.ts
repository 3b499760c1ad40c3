import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildCache } from '../../../src/shared/build-cache.js';

describe('build cache', () => {
  let dir: string;
  let cache: BuildCache;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'build-cache-'));
    cache = BuildCache.beside(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const counter = (input: string, output: string) => {
    let builds = 0;
    const build = async () => {
      builds++;
      writeFileSync(output, `build ${builds}`);
      return { value: builds, inputs: [input], outputs: [output] };
    };
    return { build, builds: () => builds };
  };

  it('builds once while the inputs are unchanged and the output exists', async () => {
    const [input, output] = [join(dir, 'in.ts'), join(dir, 'out.js')];
    writeFileSync(input, 'a');
    const { build, builds } = counter(input, output);
    const key = `unchanged ${dir}`;
    expect(await cache.get(key, build)).to.equal(1);
    expect(await cache.get(key, build)).to.equal(1);
    expect(builds()).to.equal(1);
  });

  it('builds again when an input changes or the output is gone', async () => {
    const [input, output] = [join(dir, 'in.ts'), join(dir, 'out.js')];
    writeFileSync(input, 'a');
    const { build } = counter(input, output);
    const key = `changed ${dir}`;
    expect(await cache.get(key, build)).to.equal(1);
    writeFileSync(input, 'ab');
    utimesSync(input, new Date(), new Date(Date.now() + 5000));
    expect(await cache.get(key, build)).to.equal(2);
    rmSync(output);
    expect(await cache.get(key, build)).to.equal(3);
  });

  it('does not keep a failed build', async () => {
    const key = `failing ${dir}`;
    let attempts = 0;
    const build = async () => {
      attempts++;
      if (attempts === 1) throw new Error('does not build');
      return { value: 'ok', inputs: [], outputs: [] };
    };
    await cache.get(key, build).then(
      () => expect.fail('should have failed'),
      (error: Error) => expect(error.message).to.equal('does not build'),
    );
    expect(await cache.get(key, build)).to.equal('ok');
  });

  it('hands a fresh build to another cache on the same folder (the next process), and keeps its manifests there', async () => {
    const [input, output] = [join(dir, 'in.ts'), join(dir, 'out.js')];
    writeFileSync(input, 'a');
    const { build, builds } = counter(input, output);
    expect(await cache.get('shared', build)).to.equal(1);
    expect(await BuildCache.beside(dir).get('shared', build)).to.equal(1);
    expect(builds()).to.equal(1);
    expect(readdirSync(join(dir, '.build', 'cache'))).to.have.length(1);
    expect(await new BuildCache(join(dir, 'elsewhere')).get('shared', build), 'another folder: another cache').to.equal(2);
  });
});
