// What Lambda's Node.js runtime gives a function beyond Node.js itself, for one container (a
// worker thread). worker.mjs imports this module before it imports the function, so:
//
// 1. Module resolution as in /var/task: a bare import from the function's code resolves inside
//    its task root (its own node_modules first), then, for `@aws-sdk/*` (and its `@smithy/*` and
//    `@aws-crypto/*` parts), to the SDK v3 the twin ships, as the runtime provides SDK v3 to functions that do not bundle it. Anything else (the
//    project's node_modules above the task root, or `aws-sdk` v2, which Node.js 18+ runtimes lack)
//    is not found, as on Lambda. Needs module.registerHooks (Node.js 22.15+, 23.5+); without it
//    Node.js resolves as it would anywhere (the twin's Node.js 24 from npm has it).
// 2. AWS's own address of the API: an https request to {apiId}.execute-api.{region}.amazonaws.com
//    (the endpoint code builds from requestContext.domainName and stage, or from the API id) is
//    connected to the gateway's own port instead, over plain http. The request is unchanged: same
//    path, same Host header, same SigV4 signature, so the gateway checks it as API Gateway would.
//    Only that one host is redirected, and only for clients that use node:https (the SDK does);
//    fetch() is not redirected.
//
// Plain JavaScript for the same reason as worker.mjs (it runs before any loader).
import * as nodeModule from 'node:module';
import https from 'node:https';
import net from 'node:net';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';

/** The variable the gateway passes the redirect in; removed before the function's code loads. */
const SANDBOX_VARIABLE = 'SAM_LOCAL_WEBSOCKET_SANDBOX';

/** @type {{ executeApi?: { host: string, target: string } }} */
const settings = JSON.parse(process.env[SANDBOX_VARIABLE] ?? '{}');
delete process.env[SANDBOX_VARIABLE];

/** @type {{ file: string, functionName: string }} */
const setup = workerData ?? { file: '', functionName: '' };

/**
 * The task root: the function's folder under `.build/{name}/` (where the builds write it), else the handler's folder.
 * @param {string} file
 * @param {string} functionName
 */
function taskRootOf(file, functionName) {
  const marker = `${sep}.build${sep}${functionName}${sep}`;
  const at = file.indexOf(marker);
  return at >= 0 ? file.slice(0, at + marker.length) : `${dirname(file)}${sep}`;
}

const taskRootDir = taskRootOf(setup.file, setup.functionName);
const taskRoot = pathToFileURL(taskRootDir).href;
/**
 * Where the task root's own modules may really live: itself, and the folder its node_modules links
 * to (an npm build keeps installed dependencies per package.json and links them, sam-builds.ts).
 */
const ownRoots = [taskRoot];
const linkedModules = join(taskRootDir, 'node_modules');
if (existsSync(linkedModules)) {
  const real = pathToFileURL(realpathSync(linkedModules)).href;
  if (!real.startsWith(taskRoot)) ownRoots.push(`${real}/`);
}
/** The runtime's SDK v3 and the scopes of its own parts, which the runtime's NODE_PATH makes importable too. */
const RUNTIME_PACKAGES = ['@aws-sdk/', '@smithy/', '@aws-crypto/'];

/** @param {string} specifier */
const isBare = (specifier) => !/^(\.|\/|file:|node:|data:)/.test(specifier) && !nodeModule.isBuiltin(specifier);

/**
 * The error Node.js gives for a module it cannot find, in the loader's own form.
 * @param {string} specifier
 * @param {string | undefined} parentURL
 * @param {boolean} viaRequire
 */
function notFound(specifier, parentURL, viaRequire) {
  const parent = parentURL?.startsWith('file:') ? fileURLToPath(parentURL) : String(parentURL);
  if (viaRequire) return Object.assign(new Error(`Cannot find module '${specifier}'\nRequire stack:\n- ${parent}`), { code: 'MODULE_NOT_FOUND' });
  return Object.assign(new Error(`Cannot find package '${specifier}' imported from ${parent}`), { code: 'ERR_MODULE_NOT_FOUND' });
}

// Absent before Node.js 22.15 (a named import would fail there).
const registerHooks = /** @type {typeof import('node:module').registerHooks | undefined} */ (/** @type {any} */ (nodeModule).registerHooks);
if (typeof registerHooks === 'function' && setup.file) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (!context.parentURL || !ownRoots.some((root) => context.parentURL?.startsWith(root)) || !isBare(specifier)) return nextResolve(specifier, context);
      const viaRequire = context.conditions?.includes('require') ?? false;
      let found;
      try {
        found = nextResolve(specifier, context);
      } catch {}
      if (found && (ownRoots.some((root) => found.url.startsWith(root)) || found.url.startsWith('node:'))) return found;
      if (RUNTIME_PACKAGES.some((scope) => specifier.startsWith(scope))) {
        try {
          return nextResolve(specifier, { ...context, parentURL: import.meta.url });
        } catch {}
      }
      throw notFound(specifier, context.parentURL, viaRequire);
    },
  });
}

if (settings.executeApi) {
  const { host, target } = settings.executeApi;
  const { hostname, port } = new URL(target);
  const createConnection = https.Agent.prototype.createConnection;
  /** @this {import('node:https').Agent} */
  https.Agent.prototype.createConnection = function (/** @type {any} */ options, /** @type {any} */ callback) {
    if (String(options?.host ?? options?.hostname ?? '').toLowerCase() !== host) return createConnection.call(this, options, callback);
    return net.connect({ host: hostname, port: Number(port) });
  };
}

/**
 * The error an invocation fails with when the function's code does not load, as Lambda's
 * Node.js runtime reports it: a CommonJS module not found is `Runtime.ImportModuleError` with
 * `Error: Cannot find module '...'`; a syntax error `Runtime.UserCodeSyntaxError`; anything else
 * (an ES module's `Cannot find package`) as thrown.
 * @param {unknown} error
 */
export function initError(error) {
  const { code, name, message } = /** @type {{ code?: string, name?: string, message?: string }} */ (error ?? {});
  if (code === 'MODULE_NOT_FOUND') return Object.assign(new Error(`Error: ${message}`), { name: 'Runtime.ImportModuleError' });
  if (name === 'SyntaxError') return Object.assign(new Error(`SyntaxError: ${message}`), { name: 'Runtime.UserCodeSyntaxError' });
  return error;
}
