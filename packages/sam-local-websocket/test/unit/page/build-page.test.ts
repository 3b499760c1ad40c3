import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildPage } from '../../../src/page/build-page.js';
import { rejection } from '../../helpers/rejection.js';

/**
 * The page's build on a page of a few lines of its own (the real page is the browser tests'):
 * esbuild runs, on files small enough to take milliseconds.
 */
describe('tooling/page', () => {
  let root: string;
  const web = (file: string) => join(root, 'web', file);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'page-build-'));
    mkdirSync(join(root, 'web'));
    writeFileSync(
      web('app.ts'),
      "import { greeting } from './greeting.js';\nconst shown: string = greeting('page');\n(globalThis as { shown?: string }).shown = shown;\n",
    );
    writeFileSync(web('greeting.ts'), 'export const greeting = (name: string): string => `hello ${name}`;\n');
    writeFileSync(web('index.html'), '<meta name="websocket-url" content="" />\n');
    writeFileSync(web('style.css'), 'body { margin: 0 }\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Runs the built script as a browser would a classic script, and says what it set; it may leave no other global behind. */
  const run = (script: string) => {
    const context: { shown?: string } = {};
    runInNewContext(script, context);
    expect(Object.keys(context)).to.deep.equal(['shown']);
    return context.shown;
  };

  it('builds into .build/web: the script bundled as one classic script, the HTML and CSS as they are', async () => {
    const outdir = await buildPage(join(root, 'web'));
    expect(outdir).to.equal(join(root, '.build', 'web'));
    const script = readFileSync(join(outdir, 'app.js'), 'utf8');
    expect(script).to.not.match(/\bimport\b|\bexport\b/);
    expect(run(script)).to.equal('hello page');
    expect(readFileSync(join(outdir, 'index.html'), 'utf8')).to.equal(readFileSync(web('index.html'), 'utf8'));
    expect(readFileSync(join(outdir, 'style.css'), 'utf8')).to.equal('body { margin: 0 }\n');
  });

  it('builds again only when a file it read changed, an imported module included', async () => {
    const outdir = await buildPage(join(root, 'web'));
    const built = statSync(join(outdir, 'app.js')).mtimeMs;
    await buildPage(join(root, 'web'));
    expect(statSync(join(outdir, 'app.js')).mtimeMs).to.equal(built);
    writeFileSync(web('greeting.ts'), 'export const greeting = (name: string): string => `hei ${name}`;\n');
    await buildPage(join(root, 'web'));
    expect(run(readFileSync(join(outdir, 'app.js'), 'utf8'))).to.equal('hei page');
    writeFileSync(web('style.css'), 'body { margin: 1px }\n');
    await buildPage(join(root, 'web'));
    expect(readFileSync(join(outdir, 'style.css'), 'utf8')).to.equal('body { margin: 1px }\n');
  });

  it('fails on a script that does not compile, and builds once it is fixed', async () => {
    writeFileSync(web('app.ts'), 'const = ;\n');
    const error = await rejection(buildPage(join(root, 'web')));
    expect(error.message).to.include('app.ts');
    writeFileSync(web('app.ts'), "(globalThis as { shown?: string }).shown = 'fixed';\n");
    expect(run(readFileSync(join(await buildPage(join(root, 'web')), 'app.js'), 'utf8'))).to.equal('fixed');
  });
});
