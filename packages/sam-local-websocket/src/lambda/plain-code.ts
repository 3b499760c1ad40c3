/**
 * Functions that are not bundled with esbuild, loaded as Lambda loads them: a `CodeUri` (or
 * `Code`) folder of plain JavaScript, ES modules or CommonJS, copied to `{root}/.build/{logicalId}/`
 * as `sam build` copies it, or inline code written to `index.js` (CommonJS, as CloudFormation
 * writes `ZipFile` and SAM `InlineCode`). The copy is the function's task root: a `package.json`
 * `{}` is added when the folder has none, so that the project's own `package.json` above it does
 * not decide whether `.js` is an ES module (on Lambda nothing lies above /var/task). The handler's
 * file is found as Lambda's Node.js runtime finds it: `{module}`, `.js`, `.mjs`, then `.cjs`.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { TemplateRefusedError } from '../errors.js';
import { BUILD_DIR, BuildCache } from '../shared/build-cache.js';
import { INLINE_FILE } from '../template/function-specs.js';
import type { FunctionSpec } from '../template/template.js';
import { buildFunction, type BuiltFunction, watchFunction } from './bundle.js';
import { buildLayers, isSamBuild, samBuild, watchSamBuild } from './sam-builds.js';

/** Folders never copied into a task root: builds and version control. */
const SKIPPED: readonly string[] = [BUILD_DIR, '.aws-sam', '.git'];

/** The extensions Lambda's Node.js runtime tries for a handler's module, in its order. */
const HANDLER_EXTENSIONS = ['', '.js', '.mjs', '.cjs'] as const;

/** Copies (or writes) a function's code into its task root and finds its handler's file. */
export function stagePlainFunction(fn: FunctionSpec, rootDir: string): BuiltFunction {
  const taskRoot = join(rootDir, BUILD_DIR, fn.logicalId);
  rmSync(taskRoot, { recursive: true, force: true });
  mkdirSync(taskRoot, { recursive: true });
  if (fn.inlineCode !== undefined) writeFileSync(join(taskRoot, INLINE_FILE), fn.inlineCode);
  else {
    if (!existsSync(fn.codeDir) || !statSync(fn.codeDir).isDirectory()) {
      throw new TemplateRefusedError(`${fn.logicalId} CodeUri: ${fn.codeDir} is not a folder`);
    }
    cpSync(fn.codeDir, taskRoot, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) =>
        !relative(fn.codeDir, source)
          .split(sep)
          .some((segment) => (SKIPPED as readonly string[]).includes(segment)),
    });
  }
  if (!existsSync(join(taskRoot, 'package.json'))) writeFileSync(join(taskRoot, 'package.json'), '{}\n');
  const lastDot = fn.handler.lastIndexOf('.');
  if (lastDot < 1) throw new TemplateRefusedError(`${fn.logicalId} Handler: "${fn.handler}" must be {file}.{export}, e.g. index.handler`);
  const module = resolve(taskRoot, fn.handler.slice(0, lastDot));
  const file = HANDLER_EXTENSIONS.map((extension) => `${module}${extension}`).find((path) => existsSync(path) && statSync(path).isFile());
  if (!file) {
    const where = fn.inlineCode === undefined ? `CodeUri ${fn.codeDir}` : 'the inline code (index.js)';
    throw new TemplateRefusedError(`${fn.logicalId} Handler: ${fn.handler} names no file ${fn.handler.slice(0, lastDot)}.js, .mjs or .cjs in ${where}`);
  }
  return { logicalId: fn.logicalId, file, exportName: fn.handler.slice(lastDot + 1), bytes: statSync(file).size, inputs: [], outputs: [] };
}

/**
 * Stages a plain function, then stages it again whenever a file under its folder changes and
 * hands each good copy to `onRebuild` (a failed one to `onError`). `dispose` stops watching.
 */
export function watchPlainFunction(
  fn: FunctionSpec,
  rootDir: string,
  onRebuild: (built: BuiltFunction) => void,
  onError: (message: string) => void,
): { built: BuiltFunction; dispose: () => Promise<void> } {
  const built = stagePlainFunction(fn, rootDir);
  if (fn.inlineCode !== undefined) return { built, dispose: async () => {} };
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    // Editors write in bursts: one copy after the burst.
    timer = setTimeout(() => {
      try {
        onRebuild(stagePlainFunction(fn, rootDir));
      } catch (error) {
        onError((error as Error).message);
      }
    }, 100);
  };
  // The folder itself, and each folder in it but node_modules and the build folders (a CodeUri of
  // `.` holds the whole project: watching its node_modules would cost thousands of watches).
  const folders = readdirSync(fn.codeDir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && ![...SKIPPED, 'node_modules'].includes(entry.name));
  const watchers = [
    watch(fn.codeDir, (_event, name) => {
      if (!SKIPPED.includes(String(name))) changed();
    }),
    ...folders.map((folder) => watch(join(fn.codeDir, folder.name), { recursive: true }, changed)),
  ];
  return {
    built,
    dispose: async () => {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

/**
 * A function ready to load, rebuilt and handed to `onRebuild` whenever its sources change (see
 * {@link prepareFunction} for which build it gets); `dispose` stops watching.
 */
export async function watchPreparedFunction(
  fn: FunctionSpec,
  rootDir: string,
  cache: BuildCache,
  onRebuild: (built: BuiltFunction) => void,
  onError: (message: string) => void,
): Promise<{ built: BuiltFunction; dispose: () => Promise<void> }> {
  if (fn.buildMethod === 'esbuild') return watchFunction(fn, rootDir, onRebuild, onError);
  if (isSamBuild(fn)) return watchSamBuild(fn, rootDir, onRebuild, onError);
  await buildLayers(fn, rootDir, cache);
  return watchPlainFunction(fn, rootDir, onRebuild, onError);
}

/** A function ready to load: bundled with esbuild (`Metadata.BuildMethod: esbuild`), else staged as plain code. */
export async function prepareFunction(fn: FunctionSpec, rootDir: string, cache: BuildCache = BuildCache.beside(rootDir)): Promise<BuiltFunction> {
  if (fn.buildMethod === 'esbuild') return buildFunction(fn, rootDir, cache);
  if (isSamBuild(fn)) return samBuild(fn, rootDir, cache);
  await buildLayers(fn, rootDir, cache);
  return stagePlainFunction(fn, rootDir);
}
