import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUILD_DIR, BuildCache } from '../shared/build-cache.js';

/**
 * Builds the page into `{rootDir}/.build/web/`: the HTML and CSS as they are, the
 * TypeScript as one classic script (so the page also works opened as a plain file).
 */
export async function buildPage(rootDir: string, cache: BuildCache = BuildCache.beside(rootDir)): Promise<string> {
  const outdir = join(rootDir, BUILD_DIR, 'web');
  const copied = ['index.html', 'style.css'];
  return cache.get(JSON.stringify({ build: 'page', esbuild: esbuild.version, outdir }), async () => {
    mkdirSync(outdir, { recursive: true });
    const result = await esbuild.build({
      entryPoints: [join(rootDir, 'web', 'app.ts')],
      bundle: true,
      format: 'iife',
      target: 'es2020',
      minify: true,
      outfile: join(outdir, 'app.js'),
      metafile: true,
      logLevel: 'silent',
    });
    for (const file of copied) copyFileSync(join(rootDir, 'web', file), join(outdir, file));
    return {
      value: outdir,
      inputs: [...Object.keys(result.metafile.inputs).map((input) => resolve(input)), ...copied.map((file) => join(rootDir, 'web', file))],
      outputs: ['app.js', ...copied].map((file) => join(outdir, file)),
    };
  });
}
