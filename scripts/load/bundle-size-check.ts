/**
 * The guard on what each cold start reads (issue 29): a function's bundle may not grow more
 * than 10 % past the sizes committed in bundle-sizes.json beside this file, and nothing it
 * reads at import may bring in `node:http` with a static ES `import`. `npm test` runs it
 * (tests/unit/bundle-size.test.ts); `npm run cold-start -- --save-sizes` rewrites the file
 * after a growth that is meant.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { BundleLoad } from './bundle-loads.js';

export const SIZE_FILE = 'scripts/load/bundle-sizes.json';
/** How much a bundle may grow past its committed size before the check fails. */
export const ALLOWED_GROWTH = 0.1;

/** Per function: what its cold start reads, and every file of its bundle. */
export type BundleSizes = Record<string, { loadedBytes: number; totalBytes: number }>;

export const sizesOf = (loads: BundleLoad[]): BundleSizes =>
  Object.fromEntries(loads.map((load) => [load.function, { loadedBytes: load.loadedBytes, totalBytes: load.totalBytes }]));

export const readSizes = (file = SIZE_FILE): BundleSizes => JSON.parse(readFileSync(file, 'utf8')).functions as BundleSizes;

export function saveSizes(loads: BundleLoad[], file = SIZE_FILE): void {
  const about =
    'Bytes each function reads at a cold start (the entry and its static chunks) and of all its files; npm test fails past +10 %. Written by npm run cold-start -- --save-sizes.';
  writeFileSync(file, `${JSON.stringify({ about, functions: sizesOf(loads) }, null, 2)}\n`);
}

/** Every way `loads` breaks the guard, as one sentence each (none: it holds). */
export function bundleProblems(loads: BundleLoad[], committed: BundleSizes): string[] {
  const problems: string[] = [];
  for (const load of loads) {
    const before = committed[load.function];
    if (!before) {
      problems.push(`${load.function} has no committed size in ${SIZE_FILE}: run npm run cold-start -- --save-sizes`);
      continue;
    }
    for (const key of ['loadedBytes', 'totalBytes'] as const) {
      const limit = Math.floor(before[key] * (1 + ALLOWED_GROWTH));
      if (load[key] > limit) {
        problems.push(
          `${load.function}: ${key} ${load[key]} is more than ${ALLOWED_GROWTH * 100} % past the committed ${before[key]} (${SIZE_FILE}); cut it, or run npm run cold-start -- --save-sizes if the growth is meant`,
        );
      }
    }
    // An ES import of node:http evaluates all its exports, and its WebSocket getter loads undici (~15 ms; nodejs/node#57649).
    if (load.staticBuiltins.includes('node:http')) {
      problems.push(
        `${load.function}: a file read at import has a static ES import of node:http (undici loads with it): use process.getBuiltinModule('node:http')`,
      );
    }
  }
  return problems;
}
