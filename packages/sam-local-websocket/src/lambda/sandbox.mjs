// The file system a container sees, as Lambda's: the code folder (LAMBDA_TASK_ROOT, also the
// working directory on Lambda) is read-only, and `/tmp` is the container's own folder. Installed in
// the container's thread (worker.mjs) before the function's module loads: it wraps that thread's
// `node:fs` (callback, sync and promise forms), whose module instance no other thread shares.
//
// Plain JavaScript for the reason worker.mjs is (type-checked through checkJs).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Lambda's /tmp, as a function's code names it. */
const TMP = '/tmp';

/**
 * The fs operations that take paths: which arguments are paths, and which of those it writes to
 * (`flags`: `open`, which writes when its flags do).
 * @type {Record<string, { paths: number[], writes: number[] | 'flags' }>}
 */
const OPERATIONS = {
  access: { paths: [0], writes: [] },
  appendFile: { paths: [0], writes: [0] },
  chmod: { paths: [0], writes: [0] },
  chown: { paths: [0], writes: [0] },
  copyFile: { paths: [0, 1], writes: [1] },
  cp: { paths: [0, 1], writes: [1] },
  createReadStream: { paths: [0], writes: [] },
  createWriteStream: { paths: [0], writes: [0] },
  exists: { paths: [0], writes: [] },
  lchown: { paths: [0], writes: [0] },
  link: { paths: [0, 1], writes: [1] },
  lstat: { paths: [0], writes: [] },
  lutimes: { paths: [0], writes: [0] },
  mkdir: { paths: [0], writes: [0] },
  mkdtemp: { paths: [0], writes: [0] },
  open: { paths: [0], writes: 'flags' },
  opendir: { paths: [0], writes: [] },
  readdir: { paths: [0], writes: [] },
  readFile: { paths: [0], writes: [] },
  readlink: { paths: [0], writes: [] },
  realpath: { paths: [0], writes: [] },
  rename: { paths: [0, 1], writes: [0, 1] },
  rm: { paths: [0], writes: [0] },
  rmdir: { paths: [0], writes: [0] },
  stat: { paths: [0], writes: [] },
  statfs: { paths: [0], writes: [] },
  symlink: { paths: [1], writes: [1] },
  truncate: { paths: [0], writes: [0] },
  unlink: { paths: [0], writes: [0] },
  utimes: { paths: [0], writes: [0] },
  writeFile: { paths: [0], writes: [0] },
};

/** Whether `open`'s flags write (anything but plain reading). */
const writesWith = (/** @type {unknown} */ flags) =>
  typeof flags === 'number'
    ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND)) !== 0
    : typeof flags === 'string' && flags !== 'r' && flags !== 'rs' && flags !== 'sr';

/** A path argument as a string, or undefined for a file descriptor or a URL that is no file. */
function pathOf(/** @type {unknown} */ value) {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  if (value instanceof URL) return value.protocol === 'file:' ? fileURLToPath(value) : undefined;
  return undefined;
}

/** The error Lambda's read-only file system gives. */
function readOnlyError(/** @type {string} */ syscall, /** @type {string} */ path) {
  const error = /** @type {NodeJS.ErrnoException} */ (new Error(`EROFS: read-only file system, ${syscall} '${path}'`));
  Object.assign(error, { errno: -30, code: 'EROFS', syscall, path });
  return error;
}

/**
 * Installs the sandbox in this thread. `takeTmpWritten()` tells whether the function wrote to its
 * /tmp since it was last asked.
 * @param {{ codeDir: string, tmpDir: string, tmpLimitBytes: number }} options `tmpDir` stands for
 *   `/tmp`, which holds at most `tmpLimitBytes` (EphemeralStorage)
 * @returns {{ takeTmpWritten: () => boolean }}
 */
export function installSandbox({ codeDir, tmpDir, tmpLimitBytes }) {
  const inside = (/** @type {string} */ dir, /** @type {string} */ path) => {
    const rest = relative(dir, path);
    return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest));
  };
  let tmpWritten = false;
  const tmpSpace = tmpSpaceKeeper(tmpDir, tmpLimitBytes, inside, () => {
    tmpWritten = true;
  });
  const exists = fs.existsSync;
  /**
   * `/tmp/...` as the container's own folder: always when writing; when reading, if the container
   * has it (else the host's path: the function's own code or modules may live under the host's /tmp).
   */
  const mapped = (/** @type {string} */ path, /** @type {boolean} */ writing) => {
    const absolute = resolve(path);
    if (inside(tmpDir, absolute) || !inside(TMP, absolute)) return path;
    const own = tmpDir + absolute.slice(TMP.length);
    return writing || exists(own) ? own : path;
  };
  /** Relative paths write to the working directory, which on Lambda is the code folder. */
  const readOnly = (/** @type {string} */ path) => !isAbsolute(path) || inside(codeDir, path);

  /**
   * @param {string} name
   * @param {(...args: unknown[]) => unknown} original
   * @param {'callback' | 'sync' | 'promise' | 'stream'} form
   */
  const wrap = (name, original, form) => {
    const { paths, writes } = OPERATIONS[name];
    /** @this {unknown} */
    return function sandboxed(/** @type {unknown[]} */ ...args) {
      for (const at of paths) {
        const path = pathOf(args[at]);
        if (path === undefined) continue;
        const writing = writes === 'flags' ? writesWith(args[1]) : writes.includes(at);
        const target = writing && readOnly(path) ? undefined : mapped(path, writing);
        const error = target === undefined ? readOnlyError(name.toLowerCase(), path) : writing ? tmpSpace.check(name, resolve(target), args[1]) : undefined;
        if (error) {
          if (form === 'promise') return Promise.reject(error);
          const callback = args.at(-1);
          if (form === 'callback' && typeof callback === 'function') return void process.nextTick(callback, error);
          throw error;
        }
        args[at] = target;
      }
      return original.apply(this, args);
    };
  };

  const callbacks = /** @type {Record<string, any>} */ (fs);
  const promises = /** @type {Record<string, any>} */ (fs.promises);
  for (const name of Object.keys(OPERATIONS)) {
    const form = name.startsWith('create') ? 'stream' : 'callback';
    if (typeof callbacks[name] === 'function') callbacks[name] = wrap(name, callbacks[name], form);
    const sync = `${name}Sync`;
    if (typeof callbacks[sync] === 'function') callbacks[sync] = wrap(name, callbacks[sync], 'sync');
    if (typeof promises[name] === 'function') promises[name] = wrap(name, promises[name], 'promise');
  }
  // Named ESM imports of node:fs and node:fs/promises see the wrapped functions too.
  syncBuiltinESMExports();
  return {
    takeTmpWritten: () => {
      const written = tmpWritten;
      tmpWritten = false;
      return written;
    },
  };
}

/** The error a full disk gives. */
function noSpaceError() {
  const error = /** @type {NodeJS.ErrnoException} */ (new Error('ENOSPC: no space left on device, write'));
  Object.assign(error, { errno: -28, code: 'ENOSPC', syscall: 'write' });
  return error;
}

/**
 * Keeps the container's /tmp within its size: `writeFile` and `appendFile` of data whose size is
 * known fail with ENOSPC when the folder would hold more than `limit` bytes (the other writes
 * are measured after the invocation instead: worker.mjs warns). What it holds is measured when
 * first needed, and again after any other write there.
 * @param {string} tmpDir
 * @param {number} limit
 * @param {(dir: string, path: string) => boolean} inside
 * @param {() => void} onWrite
 */
function tmpSpaceKeeper(tmpDir, limit, inside, onWrite) {
  const lstat = fs.lstatSync;
  /** @type {number | undefined} */
  let used;
  return {
    /** The ENOSPC error for a write of `path` that would overfill /tmp, else undefined. */
    check(/** @type {string} */ name, /** @type {string} */ path, /** @type {unknown} */ data) {
      if (!inside(tmpDir, path)) return undefined;
      onWrite();
      const sized = (name === 'writeFile' || name === 'appendFile') && (typeof data === 'string' || ArrayBuffer.isView(data));
      if (!sized) {
        used = undefined;
        return undefined;
      }
      const bytes = typeof data === 'string' ? Buffer.byteLength(data) : /** @type {ArrayBufferView} */ (data).byteLength;
      let replaced = 0;
      if (name === 'writeFile') {
        try {
          replaced = lstat(path).size;
        } catch {
          replaced = 0;
        }
      }
      used ??= bytesUnder(tmpDir);
      const after = used - replaced + bytes;
      if (after > limit) return noSpaceError();
      used = after;
      return undefined;
    },
  };
}

/** The bytes under `dir`, files and folders counted by their size. */
export function bytesUnder(/** @type {string} */ dir) {
  let total = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = /** @type {string} */ (pending.pop());
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const path = resolve(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else total += fs.lstatSync(path).size;
    }
  }
  return total;
}
