/**
 * `sam build` for the functions esbuild does not build, as aws-lambda-builders does it:
 *
 * - no `BuildMethod` (or a `nodejsNN.x` one), a `CodeUri` with a package.json: the files `npm pack`
 *   would ship (its `files`, .npmignore or .gitignore) copied, then the production dependencies
 *   installed: `npm install -q --no-audit --no-save --unsafe-perm --omit=dev` (NodejsNpmBuilder);
 *   without a package.json the folder as it is ("Continuing the build without dependencies");
 * - `BuildMethod: makefile`: the folder copied to a scratch folder, then
 *   `make --makefile {CodeUri}/Makefile build-{LogicalId}` run there with `ARTIFACTS_DIR` set to an
 *   empty artifacts folder (CustomMakeBuilder).
 *
 * Unlike `sam build`, the dependencies are installed once per package.json and lockfile and kept
 * (`.build/npm-deps/{hash}`): a rebuild after a source change, and any start when nothing
 * changed, needs no network. The handler is then looked up as Lambda's Node.js runtime does
 * (`{module}.js`, `.mjs`, `.cjs`); a handler in a compiled folder (`dist/`) is found after the
 * project's own build, and its absence is said in one line.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { BuildError } from '../errors.js';
import { BUILD_DIR, BuildCache } from '../shared/build-cache.js';
import type { FunctionSpec } from '../template/template.js';
import type { BuiltFunction } from './bundle.js';

/** What aws-lambda-builders leaves out of a copied source folder, and the twin's own build folder (a CodeUri of `.` holds it). */
const EXCLUDED: ReadonlySet<string> = new Set(['.aws-sam', '.git', 'node_modules', BUILD_DIR]);
/** The order Lambda's Node.js runtime tries a handler module's extensions in. */
const HANDLER_EXTENSIONS = ['.js', '.mjs', '.cjs'] as const;
/** npm's install flags in aws-lambda-builders' NodejsNpmInstallAction. */
const NPM_INSTALL = ['install', '-q', '--no-audit', '--no-save', '--unsafe-perm', '--omit=dev'] as const;

/** What one build works on: a function's or a layer's folder. */
interface BuildUnit {
  logicalId: string;
  codeDir: string;
}

/**
 * True for the functions this module builds as `sam build` does: `BuildMethod: makefile`, or a
 * `CodeUri` folder with a package.json (npm). Esbuild's are bundled (bundle.ts); a folder without
 * a package.json, and inline code, are copied as they are, as SAM's npm workflow copies them
 * (plain-code.ts).
 */
export const isSamBuild = (fn: FunctionSpec): boolean =>
  fn.buildMethod !== 'esbuild' && fn.inlineCode === undefined && (fn.buildMethod === 'makefile' || existsSync(join(fn.codeDir, 'package.json')));

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, what: string): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new BuildError(`${what}: ${command} could not run (${result.error.message})`, { cause: result.error });
  if (result.status !== 0) {
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-8).join('\n');
    throw new BuildError(`${what}: ${command} ${args.join(' ')} failed (exit ${result.status})${output ? `:\n${output}` : ''}`);
  }
  return result.stdout ?? '';
}

/** Every file and folder under `dir`, without the excluded folders (folders too: their times change when files come and go). */
function walk(dir: string, out: string[] = []): string[] {
  out.push(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (EXCLUDED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** The files `npm pack` would ship from `codeDir` (no scripts run, nothing fetched). */
function packedFiles(fn: BuildUnit): string[] {
  const listed = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], fn.codeDir, process.env, `${fn.logicalId} (npm pack)`);
  try {
    const [pack] = JSON.parse(listed) as [{ files: { path: string }[] }];
    return pack.files.map((file) => file.path).filter((path) => !EXCLUDED.has(path.split('/')[0]));
  } catch (error) {
    throw new BuildError(`${fn.logicalId}: npm pack --dry-run gave no file list`, { cause: error });
  }
}

/**
 * The production dependencies of a package.json (and its lockfile): installed in the artifacts
 * folder as aws-lambda-builders installs them (so `file:` dependencies resolve against the copied
 * files), then kept in `.build/npm-deps/{hash}` and linked back; the next build with the same
 * package.json and lockfile links the kept ones and runs no npm.
 */
function linkDependencies(fn: BuildUnit, rootDir: string, artifacts: string): void {
  const lockPath = ['package-lock.json', 'npm-shrinkwrap.json'].map((name) => join(fn.codeDir, name)).find((path) => existsSync(path));
  const hash = createHash('sha256')
    .update(readFileSync(join(fn.codeDir, 'package.json')))
    .update(lockPath ? readFileSync(lockPath) : '')
    .digest('hex')
    .slice(0, 24);
  const kept = join(rootDir, BUILD_DIR, 'npm-deps', hash);
  if (!existsSync(join(kept, '.installed'))) {
    rmSync(kept, { recursive: true, force: true });
    if (lockPath && !existsSync(join(artifacts, relative(fn.codeDir, lockPath)))) cpSync(lockPath, join(artifacts, relative(fn.codeDir, lockPath)));
    // An .npmrc beside the package.json applies, as aws-lambda-builders copies it for the install.
    if (existsSync(join(fn.codeDir, '.npmrc'))) cpSync(join(fn.codeDir, '.npmrc'), join(artifacts, '.npmrc'));
    run('npm', NPM_INSTALL, artifacts, process.env, `${fn.logicalId} (production dependencies)`);
    mkdirSync(kept, { recursive: true });
    if (existsSync(join(artifacts, 'node_modules'))) renameSync(join(artifacts, 'node_modules'), join(kept, 'node_modules'));
    else mkdirSync(join(kept, 'node_modules'));
    writeFileSync(join(kept, '.installed'), '');
    // aws-lambda-builders removes them from the artifacts after the install.
    rmSync(join(artifacts, '.npmrc'), { force: true });
  }
  symlinkSync(join(kept, 'node_modules'), join(artifacts, 'node_modules'), 'dir');
}

/** Copies `files` (relative to `from`) into `to`. */
function copyFiles(from: string, to: string, files: string[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(from, file), join(to, file));
  }
}

/** The file Lambda would load for `Handler` in `dir`, or a BuildError saying what is missing. */
function handlerFile(fn: FunctionSpec, dir: string): { file: string; exportName: string } {
  const lastDot = fn.handler.lastIndexOf('.');
  if (lastDot < 1) throw new BuildError(`${fn.logicalId}: Handler "${fn.handler}" must look like file.export`);
  const module = fn.handler.slice(0, lastDot);
  const file = HANDLER_EXTENSIONS.map((extension) => join(dir, `${module}${extension}`)).find((path) => existsSync(path));
  if (!file) {
    const compiled = existsSync(join(fn.codeDir, 'tsconfig.json')) || existsSync(join(fn.codeDir, `${module}.ts`));
    throw new BuildError(
      `${fn.logicalId}: Handler ${fn.handler} names ${module}.js (or .mjs, .cjs), which the build did not produce in ${relative(process.cwd(), dir) || '.'}` +
        (compiled ? ": run the project's own build first (e.g. npm run build for tsc), or use BuildMethod: esbuild" : ''),
    );
  }
  return { file, exportName: fn.handler.slice(lastDot + 1) };
}

const withoutExcluded = (root: string) => (path: string) => path === root || !EXCLUDED.has(path.split(/[\\/]/).at(-1) ?? '');

/**
 * Runs one build of `unit` into `artifacts` (made empty first): make, npm, or a copy. Returns the
 * files the build read, for the cache. `subfolder` is where a layer's npm build puts its files
 * (`nodejs`, as SAM's get_layer_subfolder); make always writes to ARTIFACTS_DIR itself.
 */
function buildUnit(unit: BuildUnit, method: string, rootDir: string, artifacts: string, subfolder = ''): string[] {
  if (!existsSync(unit.codeDir) || !statSync(unit.codeDir).isDirectory()) throw new BuildError(`${unit.logicalId}: ${unit.codeDir} is not a folder`);
  if (method !== 'npm' && method !== 'makefile' && !/^nodejs\d+\.x$/.test(method)) {
    throw new BuildError(`${unit.logicalId}: Metadata.BuildMethod ${method} is not built locally (esbuild, makefile and the npm build are)`);
  }
  const sources = walk(unit.codeDir);
  const manifest = method === 'makefile' ? join(unit.codeDir, 'Makefile') : join(unit.codeDir, 'package.json');
  rmSync(artifacts, { recursive: true, force: true });
  const target = method === 'makefile' ? artifacts : join(artifacts, subfolder);
  mkdirSync(target, { recursive: true });
  if (method === 'makefile') {
    if (!existsSync(manifest)) throw new BuildError(`${unit.logicalId}: BuildMethod makefile needs a Makefile in ${unit.codeDir}`);
    const scratch = join(rootDir, BUILD_DIR, `${unit.logicalId}.scratch`);
    rmSync(scratch, { recursive: true, force: true });
    cpSync(unit.codeDir, scratch, { recursive: true, filter: withoutExcluded(unit.codeDir) });
    run('make', ['--makefile', manifest, `build-${unit.logicalId}`], scratch, { ...process.env, ARTIFACTS_DIR: artifacts }, `${unit.logicalId} (make)`);
  } else if (existsSync(manifest)) {
    copyFiles(unit.codeDir, target, packedFiles(unit));
    linkDependencies(unit, rootDir, target);
  } else {
    cpSync(unit.codeDir, target, { recursive: true, filter: withoutExcluded(unit.codeDir) });
  }
  return [...sources, manifest, join(unit.codeDir, 'package-lock.json')];
}

/** Builds one function as `sam build` would, into `{rootDir}/.build/{logicalId}/`; an unchanged one is not built again. */
export async function samBuild(fn: FunctionSpec, rootDir: string, cache: BuildCache): Promise<BuiltFunction> {
  await buildLayers(fn, rootDir, cache);
  const method = fn.buildMethod ?? 'npm';
  const artifacts = join(rootDir, BUILD_DIR, fn.logicalId);
  const key = JSON.stringify({ build: 'sam', method, codeDir: fn.codeDir, handler: fn.handler, logicalId: fn.logicalId });
  return cache.get(key, async () => {
    const inputs = buildUnit(fn, method, rootDir, artifacts);
    // Lambda's /var/task has no package.json above it: a .js without one of its own is CommonJS,
    // whatever the project around the local build folder says ("type": "module" here must not leak in).
    if (!existsSync(join(artifacts, 'package.json'))) writeFileSync(join(artifacts, 'package.json'), '{}\n');
    const { file, exportName } = handlerFile(fn, artifacts);
    const sourceFiles = inputs.filter((path) => existsSync(path) && !statSync(path).isDirectory());
    const value: BuiltFunction = { logicalId: fn.logicalId, file, exportName, bytes: statSync(file).size, inputs: sourceFiles, outputs: [file] };
    return { value, inputs, outputs: [file] };
  });
}

/**
 * Builds the function's layers that have a `BuildMethod` into `{rootDir}/.build/{LayerId}/`, as
 * `sam build` builds layers (a `nodejsNN.x` build puts the folder, with its production
 * dependencies, under `nodejs/`; a makefile build writes ARTIFACTS_DIR); each once while unchanged.
 */
export async function buildLayers(fn: FunctionSpec, rootDir: string, cache: BuildCache): Promise<void> {
  for (const layer of fn.layerBuilds ?? []) {
    const artifacts = join(rootDir, BUILD_DIR, layer.logicalId);
    const key = JSON.stringify({ build: 'sam-layer', method: layer.buildMethod, codeDir: layer.codeDir, logicalId: layer.logicalId });
    await cache.get(key, async () => {
      const inputs = buildUnit(layer, layer.buildMethod, rootDir, artifacts, 'nodejs');
      return { value: artifacts, inputs, outputs: [artifacts] };
    });
  }
}

/**
 * Builds a function, then builds it again when a file of its folder (or of a layer it builds)
 * changes, handing each new build to `onRebuild` (a failed one to `onError`); an unchanged
 * result (the cache's) is not handed on. `dispose` stops watching.
 */
export async function watchSamBuild(
  fn: FunctionSpec,
  rootDir: string,
  onRebuild: (built: BuiltFunction) => void,
  onError: (message: string) => void,
): Promise<{ built: BuiltFunction; dispose: () => Promise<void> }> {
  const cache = BuildCache.beside(rootDir);
  let last = await samBuild(fn, rootDir, cache);
  let timer: NodeJS.Timeout | undefined;
  let pending: Promise<void> = Promise.resolve();
  const rebuild = () => {
    pending = pending.then(async () => {
      try {
        const next = await samBuild(fn, rootDir, cache);
        if (next !== last) onRebuild(next);
        last = next;
      } catch (error) {
        onError((error as Error).message);
      }
    });
  };
  const watchers = [fn.codeDir, ...(fn.layerBuilds ?? []).map((layer) => layer.codeDir)].map((dir) =>
    watch(dir, { recursive: true }, (_event, name) => {
      if (name && EXCLUDED.has(String(name).split(/[\\/]/)[0])) return;
      // One rebuild for a burst of changes (an editor's save, a git checkout).
      clearTimeout(timer);
      timer = setTimeout(rebuild, 150);
    }),
  );
  return {
    built: last,
    dispose: async () => {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      await pending;
    },
  };
}
