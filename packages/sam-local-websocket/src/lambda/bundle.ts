import * as esbuild from 'esbuild';
import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { BuildCache } from '../shared/build-cache.js';
import { functionBuildDir, outputFiles, removeStaleOutputs } from './bundle-output.js';
import { BuildError } from '../errors.js';
import type { FunctionSpec } from '../template/template.js';
import { buildLayers, isSamBuild, samBuild, watchSamBuild } from './sam-builds.js';

/** What `sam build` passes esbuild before any `BuildProperties`. */
const SAM_DEFAULTS: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'es2020',
  format: 'cjs',
  minify: true,
};

/** Splits `a=b` items (OutExtension, Banner, Loader...) into an object, as esbuild's CLI does. */
function keyValues(property: string, value: unknown): Record<string, string> {
  const items = Array.isArray(value) ? value : [value];
  return Object.fromEntries(
    items.map((item) => {
      const text = String(item);
      const at = text.indexOf('=');
      if (at < 1) throw new BuildError(`BuildProperties.${property} items must look like key=value, got "${text}"`);
      return [text.slice(0, at), text.slice(at + 1)];
    }),
  );
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value : String(value).split(',')).map((item) => String(item).trim());

const flag = (value: unknown): boolean => value === true || value === 'true';

/**
 * How each SAM `BuildProperties` key becomes an esbuild option. SAM turns each key into
 * a CLI flag (PascalCase to kebab-case); the JS API takes the same settings.
 */
const PROPERTY_OPTIONS: Record<string, (value: unknown) => esbuild.BuildOptions> = {
  EntryPoints: () => ({}), // resolved against CodeUri below
  Format: (value) => ({ format: String(value) as esbuild.Format }),
  Target: (value) => ({ target: list(value) }),
  Minify: (value) => ({ minify: flag(value) }),
  Sourcemap: (value) => ({ sourcemap: flag(value) }),
  SourcesContent: (value) => ({ sourcesContent: flag(value) }),
  MainFields: (value) => ({ mainFields: list(value) }),
  OutExtension: (value) => ({ outExtension: keyValues('OutExtension', value) }),
  Banner: (value) => ({ banner: keyValues('Banner', value) }),
  Footer: (value) => ({ footer: keyValues('Footer', value) }),
  Loader: (value) => ({ loader: keyValues('Loader', value) as Record<string, esbuild.Loader> }),
  External: (value) => ({ external: list(value) }),
  Define: (value) => ({ define: keyValues('Define', value) }),
  KeepNames: (value) => ({ keepNames: flag(value) }),
  Alias: (value) => ({ alias: keyValues('Alias', value) }),
  Splitting: (value) => ({ splitting: flag(value) }),
};

/** The esbuild options `sam build` would use for a function, writing into `outdir`. */
export function esbuildOptions(fn: FunctionSpec, outdir: string): esbuild.BuildOptions {
  if (fn.buildMethod !== 'esbuild') throw new BuildError(`${fn.logicalId} is not built with esbuild (Metadata.BuildMethod)`);
  const options: esbuild.BuildOptions = { ...SAM_DEFAULTS };
  for (const [key, value] of Object.entries(fn.buildProperties)) {
    const toOption = PROPERTY_OPTIONS[key];
    if (!toOption) throw new BuildError(`${fn.logicalId}: BuildProperties.${key} is not supported by the local build`);
    Object.assign(options, toOption(value));
  }
  const entryPoints = list(fn.buildProperties.EntryPoints ?? [`${basename(fn.handler.split('.')[0])}.ts`]);
  return {
    ...options,
    entryPoints: entryPoints.map((entry) => resolve(fn.codeDir, entry)),
    // sam build runs esbuild in the function's folder (CodeUri): relative Alias targets resolve
    // from there, and so do the paths that Splitting's chunk names are hashed from.
    absWorkingDir: fn.codeDir,
    outdir,
    metafile: true,
    logLevel: 'silent',
  };
}

/** A function's bundle on disk. */
export interface BuiltFunction {
  logicalId: string;
  /** Absolute path of the file Lambda would load for `Handler`. */
  file: string;
  /** The exported name, e.g. `handler`. */
  exportName: string;
  bytes: number;
  /** Every source file that went into the bundle, for rebuilds on change. */
  inputs: string[];
  /** Every file written: the bundle, its chunks (`Splitting`) and their maps. */
  outputs: string[];
}

/**
 * Bundles one function as `sam build` would, into `{rootDir}/.build/functions/{logicalId}/`; an unchanged
 * one is not built again (`cache`, by default the one beside the template, `{rootDir}/.build/cache`).
 */
export async function buildFunction(fn: FunctionSpec, rootDir: string, cache: BuildCache = BuildCache.beside(rootDir)): Promise<BuiltFunction> {
  if (isSamBuild(fn)) return samBuild(fn, rootDir, cache);
  await buildLayers(fn, rootDir, cache);
  const options = esbuildOptions(fn, functionBuildDir(rootDir, fn.logicalId));
  // The same sources with the same options give the same bundle. The folder is part of them: with
  // Splitting, chunk names hash the maps' paths, which are relative to it.
  const key = JSON.stringify({ build: 'function', esbuild: esbuild.version, handler: fn.handler, options });
  return cache.get(key, async () => {
    const result = await esbuild.build(options).catch((error: Error) => {
      throw new BuildError(`${fn.logicalId} does not build: ${error.message}`, { cause: error });
    });
    const built = describeBuild(fn, options, result);
    removeStaleOutputs(options.outdir!, built.outputs);
    return { value: built, inputs: built.inputs, outputs: built.outputs };
  });
}

/**
 * Bundles a function, then rebuilds it whenever one of its sources changes and hands
 * each good rebuild to `onRebuild` (a failed one to `onError`). `dispose` stops watching.
 */
export async function watchFunction(
  fn: FunctionSpec,
  rootDir: string,
  onRebuild: (built: BuiltFunction) => void,
  onError: (message: string) => void,
): Promise<{ built: BuiltFunction; dispose: () => Promise<void> }> {
  if (isSamBuild(fn)) return watchSamBuild(fn, rootDir, onRebuild, onError);
  await buildLayers(fn, rootDir, BuildCache.beside(rootDir));
  const options = esbuildOptions(fn, functionBuildDir(rootDir, fn.logicalId));
  // watch() starts with a build of its own: the first result is the initial bundle.
  let firstBuild: { resolve: (built: BuiltFunction) => void; reject: (error: Error) => void } | undefined;
  const built = new Promise<BuiltFunction>((resolve, reject) => (firstBuild = { resolve, reject }));
  const context = await esbuild.context({
    ...options,
    plugins: [
      {
        name: 'reload-on-rebuild',
        setup(build) {
          build.onEnd((result) => {
            const failure = result.errors.map((error) => error.text).join('; ');
            if (firstBuild) {
              if (failure) firstBuild.reject(new BuildError(`${fn.logicalId} does not build: ${failure}`));
              else firstBuild.resolve(describeBuild(fn, options, result));
              firstBuild = undefined;
            } else if (failure) onError(failure);
            else onRebuild(describeBuild(fn, options, result));
          });
        },
      },
    ],
  });
  await context.watch();
  try {
    return { built: await built, dispose: () => context.dispose() };
  } catch (error) {
    await context.dispose();
    throw error;
  }
}

function describeBuild(fn: FunctionSpec, options: esbuild.BuildOptions, result: esbuild.BuildResult): BuiltFunction {
  const lastDot = fn.handler.lastIndexOf('.');
  const extension = options.outExtension?.['.js'] ?? '.js';
  const file = join(options.outdir!, `${fn.handler.slice(0, lastDot)}${extension}`);
  return {
    logicalId: fn.logicalId,
    file,
    exportName: fn.handler.slice(lastDot + 1),
    bytes: statSync(file).size,
    // The metafile's paths are relative to esbuild's working directory (the function's folder).
    inputs: Object.keys(result.metafile?.inputs ?? {}).map((input) => resolve(fn.codeDir, input)),
    outputs: outputFiles(result.metafile, fn.codeDir),
  };
}
