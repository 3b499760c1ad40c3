import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the manifests of finished builds are kept, so other processes (npm start, the CLI tests) reuse them. */
const CACHE_DIR = fileURLToPath(new URL('../../../../.build/cache', import.meta.url));

/** A build's result, with the files it read and wrote. */
export interface CachedBuild<T> {
  value: T;
  /** Absolute paths of every source file the build read. */
  inputs: string[];
  /** Absolute paths of the files it wrote. */
  outputs: string[];
}

interface Entry {
  value: unknown;
  stamps: Map<string, string>;
  outputs: string[];
}

const manifestPath = (key: string): string => join(CACHE_DIR, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);

/** A build another process finished (its manifest on disk), if it is still fresh. */
function fromDisk(key: string): Entry | undefined {
  try {
    const saved = JSON.parse(readFileSync(manifestPath(key), 'utf8')) as { key: string; value: unknown; stamps: [string, string][]; outputs: string[] };
    const entry = { value: saved.value, stamps: new Map(saved.stamps), outputs: saved.outputs };
    return saved.key === key && isFresh(entry) ? entry : undefined;
  } catch {
    return undefined; // none yet, or unreadable: build
  }
}

function toDisk(key: string, entry: Entry): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(manifestPath(key), JSON.stringify({ key, value: entry.value, stamps: [...entry.stamps], outputs: entry.outputs }));
  } catch {
    // A cache that cannot be written only costs a rebuild next time.
  }
}

const entries = new Map<string, Promise<Entry>>();

const stampOf = (file: string): string => {
  try {
    const stat = statSync(file);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'missing';
  }
};

const isFresh = (entry: Entry): boolean =>
  entry.outputs.every((file) => existsSync(file)) && [...entry.stamps].every(([file, stamp]) => stampOf(file) === stamp);

/**
 * Runs `build` once per `key` and hands back its result for as long as none of its inputs
 * changed (modification time and size) and its outputs are still on disk: in this process
 * (a test run starts many gateways) and, through a manifest under `.build/cache/`, in the
 * next (`npm start`, the CLI tests' child processes). A failed build is not kept. The result
 * must be plain JSON.
 */
export async function cachedBuild<T>(key: string, build: () => Promise<CachedBuild<T>>): Promise<T> {
  const existing = entries.get(key);
  if (existing) {
    const entry = await existing.catch(() => undefined);
    if (entry && isFresh(entry)) return entry.value as T;
  }
  const saved = fromDisk(key);
  if (saved) {
    entries.set(key, Promise.resolve(saved));
    return saved.value as T;
  }
  const pending = build().then(({ value, inputs, outputs }) => {
    const entry = { value, outputs, stamps: new Map(inputs.map((file) => [file, stampOf(file)])) };
    toDisk(key, entry);
    return entry;
  });
  entries.set(key, pending);
  try {
    return (await pending).value as T;
  } catch (error) {
    if (entries.get(key) === pending) entries.delete(key);
    throw error;
  }
}
