import { existsSync, statSync } from 'node:fs';

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
 * Runs `build` once per `key` in this process and hands back its result for as long as none
 * of its inputs changed (modification time and size) and its outputs are still on disk.
 * This is what lets a test run start many gateways while bundling each function once.
 * A failed build is not kept.
 */
export async function cachedBuild<T>(key: string, build: () => Promise<CachedBuild<T>>): Promise<T> {
  const existing = entries.get(key);
  if (existing) {
    const entry = await existing.catch(() => undefined);
    if (entry && isFresh(entry)) return entry.value as T;
  }
  const pending = build().then(({ value, inputs, outputs }) => ({ value, outputs, stamps: new Map(inputs.map((file) => [file, stampOf(file)])) }));
  entries.set(key, pending);
  try {
    return (await pending).value as T;
  } catch (error) {
    if (entries.get(key) === pending) entries.delete(key);
    throw error;
  }
}
