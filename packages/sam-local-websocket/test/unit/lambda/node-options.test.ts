/** NODE_OPTIONS from a function's environment, as its local containers (worker threads) apply it. */
import * as esbuild from 'esbuild';
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFunction } from '../../../src/lambda/invoker.js';
import { NodeOptionsReader, nodeOptionGroups } from '../../../src/lambda/node-options.js';
import type { FunctionSpec } from '../../../src/template/template.js';

describe('NODE_OPTIONS in local containers', () => {
  it('splits NODE_OPTIONS as Node.js does, an option’s separate value kept with it', () => {
    expect(nodeOptionGroups(undefined)).to.deep.equal([]);
    expect(nodeOptionGroups('  --enable-source-maps  ')).to.deep.equal([['--enable-source-maps']]);
    expect(nodeOptionGroups('--require "./a b.cjs" --no-warnings')).to.deep.equal([['--require', './a b.cjs'], ['--no-warnings']]);
    expect(nodeOptionGroups('--title="x \\" y"')).to.deep.equal([['--title=x " y']]);
  });

  it('passes what a worker thread takes and names what only a whole process can', () => {
    expect(new NodeOptionsReader().containerExecArgv('--enable-source-maps --max-old-space-size=100 --no-warnings')).to.deep.equal({
      execArgv: ['--enable-source-maps', '--no-warnings'],
      ignored: ['--max-old-space-size=100'],
    });
  });

  describe('a function with a source map', function () {
    this.timeout(30_000);
    let dir: string;
    const spec: FunctionSpec = { logicalId: 'Mapped', codeDir: '', handler: 'app.handler', timeout: 30, memorySize: 128, environment: {}, buildProperties: {} };
    const run = async (env: Record<string, string>, log: (line: string) => void = () => {}) => {
      const fn = new LocalFunction(
        spec,
        { logicalId: 'Mapped', file: join(dir, 'app.mjs'), exportName: 'handler', bytes: 0, inputs: [], outputs: [] },
        env,
        (_, line) => log(line),
        1,
      );
      try {
        const outcome = await fn.invoke({});
        return outcome.ok ? String(outcome.result) : outcome.error.message;
      } finally {
        await fn.close();
      }
    };
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'node-options-'));
      // The error is made on line 3 of the TypeScript source; the minified bundle has one line.
      writeFileSync(
        join(dir, 'where.ts'),
        'export const handler = async (): Promise<string> => {\n  const place: string = "here";\n  return new Error(place).stack ?? "";\n};\n',
      );
      await esbuild.build({
        entryPoints: [join(dir, 'where.ts')],
        outfile: join(dir, 'app.mjs'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        logLevel: 'silent',
      });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('names the TypeScript file and line with NODE_OPTIONS=--enable-source-maps, the bundle without', async () => {
      expect(await run({ NODE_OPTIONS: '--enable-source-maps' })).to.match(/where\.ts:3:\d+\)/);
      expect(await run({}))
        .to.match(/app\.mjs:1:\d+\)/)
        .and.not.include('where.ts');
    });

    it('says once which options it could not apply, and runs with the rest', async () => {
      const lines: string[] = [];
      expect(await run({ NODE_OPTIONS: '--stack-trace-limit=50 --enable-source-maps' }, (line) => lines.push(line))).to.include('where.ts');
      expect(lines).to.deep.equal(['NODE_OPTIONS --stack-trace-limit=50: not applied locally (a local container is a worker thread, which cannot take it)']);
    });
  });
});
