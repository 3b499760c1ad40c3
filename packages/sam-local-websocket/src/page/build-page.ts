import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BUILD_DIR, BuildCache } from '../shared/build-cache.js';

/** What a page folder holds: served as they are, but `app.ts`, which is bundled into `app.js`. */
export const PAGE_FILES = { copied: ['index.html', 'style.css'], script: 'app.ts' } as const;

/**
 * Builds a page folder (`index.html`, `style.css`, `app.ts`; e.g. `web`) into `.build/{name}/`
 * beside it: the HTML and CSS as they are, the TypeScript as one classic script (so the page
 * also works opened as a plain file). An unchanged page is not built again (`cache`, by
 * default `.build/cache` beside it). Resolves with the built folder.
 */
export async function buildPage(pageDir: string, cache: BuildCache = BuildCache.beside(dirname(resolve(pageDir)))): Promise<string> {
  const source = resolve(pageDir);
  const outdir = join(dirname(source), BUILD_DIR, basename(source));
  const copied = PAGE_FILES.copied;
  return cache.get(JSON.stringify({ build: 'page', esbuild: esbuild.version, source, outdir }), async () => {
    mkdirSync(outdir, { recursive: true });
    const result = await esbuild.build({
      entryPoints: [join(source, PAGE_FILES.script)],
      bundle: true,
      format: 'iife',
      target: 'es2020',
      minify: true,
      outfile: join(outdir, 'app.js'),
      metafile: true,
      logLevel: 'silent',
    });
    for (const file of copied) copyFileSync(join(source, file), join(outdir, file));
    return {
      value: outdir,
      inputs: [...Object.keys(result.metafile.inputs).map((input) => resolve(input)), ...copied.map((file) => join(source, file))],
      outputs: ['app.js', ...copied].map((file) => join(outdir, file)),
    };
  });
}
