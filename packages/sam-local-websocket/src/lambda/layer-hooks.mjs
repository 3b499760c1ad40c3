// Lambda's /opt for a local container: the function's layers, mounted as Lambda extracts them
// (in order, a later layer's file replacing an earlier one's), without touching the real /opt.
// Module resolution hooks map `/opt/...` imports and requires to the layer that holds the file,
// and bare specifiers the function's own node_modules do not have to the NODE_PATH folders of
// Lambda's Node.js runtime (`/opt/nodejs/node<major>/node_modules`, then `/opt/nodejs/node_modules`),
// which Lambda also searches for ES modules from Node.js 18 on ("Building Lambda functions with
// Node.js"; "Packaging your layer content", layer paths for each runtime).
//
// Plain JavaScript: it runs inside the worker thread before the function's module is imported.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const OPT = '/opt';
const NOT_FOUND = ['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED'];
/** What `require('/opt/x')` may name without its extension. */
const PROBES = ['', '.js', '.mjs', '.cjs', '.json', '/index.js', '/package.json'];

/**
 * The path under the layer that holds `/opt/<rest>` (the last layer that has it), else undefined.
 * @param {string[]} layers
 * @param {string} optPath
 */
export function layerPathOf(layers, optPath) {
  const rest = optPath.slice(OPT.length);
  for (let index = layers.length - 1; index >= 0; index--) {
    const candidate = join(layers[index], rest);
    if (PROBES.some((probe) => existsSync(candidate + probe))) return candidate;
  }
  return undefined;
}

/** @param {string} specifier */
const isBare = (specifier) => !/^(\.{1,2}\/|\/|file:|node:|data:)/.test(specifier) && !module.isBuiltin(specifier);
/** @param {string} specifier */
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * Where a bare specifier is found among the layers' NODE_PATH folders: a parent URL from which
 * Node's own resolution finds it, else undefined.
 * @param {string[]} layers
 * @param {number} nodeMajor
 * @param {string} specifier
 */
export function layerParentOf(layers, nodeMajor, specifier) {
  for (const folder of [`nodejs/node${nodeMajor}`, 'nodejs']) {
    for (let index = layers.length - 1; index >= 0; index--) {
      if (existsSync(join(layers[index], folder, 'node_modules', packageName(specifier))))
        return pathToFileURL(join(layers[index], folder, 'layer-parent.js')).href;
    }
  }
  return undefined;
}

/**
 * True for a `.js` file of a layer with no package.json between it and the layer's root: under
 * /opt it has none above it either, so it is CommonJS, whatever the project around the local
 * layer folder declares.
 * @param {string[]} layers
 * @param {string} url
 */
export function isLayerCommonJs(layers, url) {
  if (!url.startsWith('file:') || !url.endsWith('.js')) return false;
  const file = fileURLToPath(url);
  const root = layers.find((layer) => file.startsWith(`${layer}/`));
  if (!root) return false;
  for (let dir = dirname(file); dir.length >= root.length; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return false;
    if (dir === root) break;
  }
  return true;
}

/**
 * Installs the hooks in this thread (Node.js 22.15 and later: `module.registerHooks`, for import
 * and require alike). Returns false when this Node.js has no synchronous hooks.
 * @param {string[]} layers
 * @param {number} nodeMajor
 */
export function mountLayers(layers, nodeMajor) {
  const registerHooks = /** @type {typeof module.registerHooks | undefined} */ (module.registerHooks);
  if (typeof registerHooks !== 'function') return false;
  registerHooks({
    load(url, context, nextLoad) {
      return nextLoad(url, isLayerCommonJs(layers, url) ? { ...context, format: 'commonjs' } : context);
    },
    resolve(specifier, context, nextResolve) {
      const raw = specifier.startsWith(`${OPT}/`) ? specifier : specifier.startsWith(`file://${OPT}/`) ? fileURLToPath(specifier) : undefined;
      // `/opt/../x` is not under /opt: normalized first, as the file system would.
      const optPath = raw === undefined ? undefined : posix.normalize(raw);
      if (optPath?.startsWith(`${OPT}/`)) {
        const mapped = layerPathOf(layers, optPath);
        if (mapped) return nextResolve(mapped, context);
      }
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        const code = /** @type {{ code?: string }} */ (error).code;
        const parentURL = isBare(specifier) && code && NOT_FOUND.includes(code) ? layerParentOf(layers, nodeMajor, specifier) : undefined;
        if (!parentURL) throw error;
        // require() resolves from the requiring file's own paths: resolve from the layer's folder instead.
        if (context.conditions?.includes('require')) return nextResolve(module.createRequire(parentURL).resolve(specifier), context);
        return nextResolve(specifier, { ...context, parentURL });
      }
    },
  });
  return true;
}
