/**
 * Where a function's bundle goes and what esbuild wrote there. With `Splitting`, a bundle is
 * its entry file plus chunks whose names carry a content hash; that hash also covers the
 * source paths of each chunk's map, which are relative to the output folder. So the folder
 * must sit as deep below the template as `sam build`'s `.aws-sam/build/{logicalId}/` for the
 * chunks (and the entry that imports them) to come out byte for byte as SAM builds them.
 */
import type { Metafile } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUILD_DIR } from '../shared/build-cache.js';

/** A function's build folder: `{rootDir}/.build/functions/{logicalId}/`, as deep as SAM's. */
export function functionBuildDir(rootDir: string, logicalId: string): string {
  return join(rootDir, BUILD_DIR, 'functions', logicalId);
}

/** Absolute paths of every file a build wrote (esbuild's metafile paths are relative to its working directory). */
export function outputFiles(metafile: Metafile | undefined, workingDir: string): string[] {
  return Object.keys(metafile?.outputs ?? {}).map((output) => resolve(workingDir, output));
}

/**
 * Removes from `outdir` what the last build did not write: chunks of an earlier build, whose
 * names (content hashes) changed, would otherwise pile up.
 */
export function removeStaleOutputs(outdir: string, outputs: string[]): void {
  const kept = new Set(outputs.map((file) => resolve(file)));
  for (const entry of readdirSync(outdir, { withFileTypes: true })) {
    const file = resolve(outdir, entry.name);
    if (entry.isFile() && !kept.has(file)) rmSync(file, { force: true });
  }
}
