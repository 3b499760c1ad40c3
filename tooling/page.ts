import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR } from './sam/bundle.js';

/**
 * Builds the page into `{rootDir}/.build/web/`: the HTML and CSS as they are, the
 * TypeScript as one classic script (so the page also works opened as a plain file).
 */
export async function buildPage(rootDir: string): Promise<string> {
  const outdir = join(rootDir, BUILD_DIR, 'web');
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(rootDir, 'web', 'app.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    outfile: join(outdir, 'app.js'),
    logLevel: 'silent',
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(rootDir, 'web', file), join(outdir, file));
  return outdir;
}
