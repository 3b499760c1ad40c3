/**
 * What each function's cold start reads: built in memory with the template's esbuild settings
 * (as `sam build` builds it, into the folder `npm run build` uses), the entry file and every
 * chunk it imports statically, followed through esbuild's metafile. Chunks reached only
 * through `import()` (Splitting) are on disk but not read at import. Also: the Node.js
 * built-ins those files import with a static ES `import`.
 */
import * as esbuild from 'esbuild';
import { relative, resolve } from 'node:path';
import { esbuildOptions, type FunctionSpec, functionBuildDir, functionsOf, loadTemplate } from 'sam-local-websocket';

export interface BundleLoad {
  function: string;
  /** The entry file (`app.mjs`). */
  entryBytes: number;
  /** The entry and the chunks it imports statically: what an import of the bundle reads. */
  loadedBytes: number;
  loadedFiles: number;
  /** Their source maps (`--enable-source-maps` reads each as its file loads). */
  loadedMapBytes: number;
  /** Every JavaScript file written, lazy chunks too (maps not counted). */
  totalBytes: number;
  totalFiles: number;
  /** esbuild's `bytesInOutput` of every input in the files read at import, by input path relative to the project. */
  loadedInputs: Record<string, number>;
  /** `node:*` modules the files read at import bring in with a static ES `import`. */
  staticBuiltins: string[];
}

type Output = esbuild.Metafile['outputs'][string];

/** The files an import of `entry` reads: it and, transitively, every chunk it imports statically. */
export function staticClosure(outputs: Record<string, Output>, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return [...seen];
}

/** One function, built in memory (`overrides`: esbuild options on top of the template's, e.g. to weigh a variant). */
export async function bundleLoad(fn: FunctionSpec, rootDir: string, overrides: esbuild.BuildOptions = {}): Promise<BundleLoad> {
  const options = { ...esbuildOptions(fn, functionBuildDir(rootDir, fn.logicalId)), ...overrides };
  const result = await esbuild.build({ ...options, write: false });
  const outputs = result.metafile!.outputs;
  const sizes = new Map(result.outputFiles.map((file) => [resolve(file.path), file.contents.byteLength]));
  const size = (path: string) => sizes.get(resolve(fn.codeDir, path)) ?? 0;
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint !== undefined);
  if (!entry) throw new Error(`${fn.logicalId}: esbuild wrote no entry file`);
  const loaded = staticClosure(outputs, entry);
  const scripts = Object.keys(outputs).filter((path) => !path.endsWith('.map'));
  const loadedInputs: Record<string, number> = {};
  for (const path of loaded) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[path].inputs)) {
      const key = relative(rootDir, resolve(fn.codeDir, input));
      loadedInputs[key] = (loadedInputs[key] ?? 0) + bytesInOutput;
    }
  }
  const staticBuiltins = loaded.flatMap((path) =>
    outputs[path].imports
      .filter((imported) => imported.external && imported.kind === 'import-statement' && imported.path.startsWith('node:'))
      .map((imported) => imported.path),
  );
  return {
    function: fn.logicalId,
    entryBytes: size(entry),
    loadedBytes: loaded.reduce((sum, path) => sum + size(path), 0),
    loadedFiles: loaded.length,
    loadedMapBytes: loaded.reduce((sum, path) => sum + size(`${path}.map`), 0),
    totalBytes: scripts.reduce((sum, path) => sum + size(path), 0),
    totalFiles: scripts.length,
    loadedInputs,
    staticBuiltins: [...new Set(staticBuiltins)].sort(),
  };
}

/** Every function of the template, in the template's order. */
export async function bundleLoads(templatePath = 'template.yaml'): Promise<BundleLoad[]> {
  const { template, baseDir } = loadTemplate(templatePath);
  return Promise.all(functionsOf(template, baseDir).map((fn) => bundleLoad(fn, baseDir)));
}
