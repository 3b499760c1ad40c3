/** Bundling a function as `sam build` does: Alias and Splitting, where esbuild runs, and where the files go. */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BuildCache } from '../../../src/shared/build-cache.js';
import { buildFunction, esbuildOptions } from '../../../src/lambda/bundle.js';
import { functionBuildDir, removeStaleOutputs } from '../../../src/lambda/bundle-output.js';
import type { FunctionSpec } from '../../../src/template/template.js';

describe('bundle: Alias and Splitting as sam build passes them', function () {
  this.timeout(30_000);
  let root: string;
  let spec: FunctionSpec;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bundle-test-'));
    mkdirSync(join(root, 'fn'));
    mkdirSync(join(root, 'shared'));
    // app.ts imports a package name that the Alias replaces with a file relative to the function's folder,
    // and loads a second module only through import().
    writeFileSync(
      join(root, 'fn', 'app.ts'),
      `import { name } from 'replaced-package';\nexport const handler = async () => ({ name, lazy: (await import('./lazy.js')).lazy });\n`,
    );
    writeFileSync(join(root, 'fn', 'lazy.ts'), `export const lazy = 'loaded on first use';\n`);
    writeFileSync(join(root, 'shared', 'stand-in.ts'), `export const name = 'the stand-in';\n`);
    spec = {
      logicalId: 'Fn',
      codeDir: join(root, 'fn'),
      handler: 'app.handler',
      timeout: 3,
      memorySize: 128,
      environment: {},
      buildMethod: 'esbuild',
      buildProperties: {
        Format: 'esm',
        OutExtension: ['.js=.mjs'],
        Target: 'node24',
        Alias: ['replaced-package=../shared/stand-in.ts'],
        Splitting: true,
      },
    };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('maps Alias and Splitting to esbuild options, and runs esbuild in the function’s folder', () => {
    expect(esbuildOptions(spec, '/tmp/out')).to.deep.include({
      alias: { 'replaced-package': '../shared/stand-in.ts' },
      splitting: true,
      absWorkingDir: join(root, 'fn'),
    });
  });

  it('builds into .build/functions/{logicalId} (as deep as .aws-sam/build/{logicalId}), the lazy module in a chunk of its own', async () => {
    const built = await buildFunction(spec, root, new BuildCache(join(root, 'cache')));
    expect(built.file).to.equal(join(functionBuildDir(root, 'Fn'), 'app.mjs'));
    expect(functionBuildDir(root, 'Fn')).to.equal(join(root, '.build', 'functions', 'Fn'));
    const lazy = built.outputs.filter((file) => /lazy-\w+\.mjs$/.test(file));
    expect(lazy).to.have.length(1);
    expect(readFileSync(built.file, 'utf8')).to.not.include('loaded on first use');
    expect(built.inputs)
      .to.include(join(root, 'shared', 'stand-in.ts'))
      .and.include(join(root, 'fn', 'app.ts'));
    const module = await import(pathToFileURL(built.file).href);
    expect(await module.handler()).to.deep.equal({ name: 'the stand-in', lazy: 'loaded on first use' });
  });

  it('removes the files of an earlier build that the last one did not write', async () => {
    const cache = new BuildCache(join(root, 'cache'));
    const first = await buildFunction(spec, root, cache);
    const oldChunk = first.outputs.find((file) => /lazy-\w+\.mjs$/.test(file))!;
    writeFileSync(join(root, 'fn', 'lazy.ts'), `export const lazy = 'changed';\n`);
    const second = await buildFunction(spec, root, cache);
    const newChunk = second.outputs.find((file) => /lazy-\w+\.mjs$/.test(file))!;
    expect(newChunk).to.not.equal(oldChunk);
    expect(existsSync(oldChunk)).to.equal(false);
    expect(readdirSync(functionBuildDir(root, 'Fn')).sort()).to.deep.equal(second.outputs.map((file) => file.slice(file.lastIndexOf('/') + 1)).sort());
    removeStaleOutputs(functionBuildDir(root, 'Fn'), []);
    expect(readdirSync(functionBuildDir(root, 'Fn'))).to.deep.equal([]);
  });
});
