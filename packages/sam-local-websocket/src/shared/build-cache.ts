import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the local builds go, beside the template (git-ignored): `npm run build`, `npm start`. */
export const BUILD_DIR = '.build';

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

/**
 * Runs each build once per key and hands back its result for as long as none of its inputs
 * changed (modification time and size) and its outputs are still on disk: for its own life in
 * this process (a gateway keeps one), and, through a manifest per key in its folder, in the
 * next process (`npm start`, the CLI tests' child processes). A failed build is not kept. The
 * result must be plain JSON.
 */
export class BuildCache {
  private readonly entries = new Map<string, Promise<Entry>>();

  /** @param dir where the manifests are kept, e.g. `{root}/.build/cache` ({@link BuildCache.beside}) */
  constructor(readonly dir: string) {}

  /** The cache of the builds of a template in `rootDir`: `{rootDir}/.build/cache`. */
  static beside(rootDir: string): BuildCache {
    return new BuildCache(join(rootDir, BUILD_DIR, 'cache'));
  }

  /** The result of `build` for `key`: built now, or the fresh one of an earlier build. */
  async get<T>(key: string, build: () => Promise<CachedBuild<T>>): Promise<T> {
    const existing = this.entries.get(key);
    if (existing) {
      const entry = await existing.catch(() => undefined);
      if (entry && isFresh(entry)) return entry.value as T;
    }
    const saved = this.fromDisk(key);
    if (saved) {
      this.entries.set(key, Promise.resolve(saved));
      return saved.value as T;
    }
    const pending = build().then(({ value, inputs, outputs }) => {
      const entry = { value, outputs, stamps: new Map(inputs.map((file) => [file, stampOf(file)])) };
      this.toDisk(key, entry);
      return entry;
    });
    this.entries.set(key, pending);
    try {
      return (await pending).value as T;
    } catch (error) {
      if (this.entries.get(key) === pending) this.entries.delete(key);
      throw error;
    }
  }

  private manifestPath(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }

  /** A build another process finished (its manifest on disk), if it is still fresh. */
  private fromDisk(key: string): Entry | undefined {
    try {
      const saved = JSON.parse(readFileSync(this.manifestPath(key), 'utf8')) as { key: string; value: unknown; stamps: [string, string][]; outputs: string[] };
      const entry = { value: saved.value, stamps: new Map(saved.stamps), outputs: saved.outputs };
      return saved.key === key && isFresh(entry) ? entry : undefined;
    } catch {
      return undefined; // none yet, or unreadable: build
    }
  }

  private toDisk(key: string, entry: Entry): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(this.manifestPath(key), JSON.stringify({ key, value: entry.value, stamps: [...entry.stamps], outputs: entry.outputs }));
    } catch {
      // A cache that cannot be written only costs a rebuild next time.
    }
  }
}

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
