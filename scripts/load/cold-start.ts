import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { spread, type Spread } from './bench-report.js';

/**
 * The time, over `runs` fresh Node.js processes, to import `specifiers` (the load part of a
 * Lambda cold start; process start-up itself is not counted): median and range, ms. `env` adds
 * to the environment, e.g. the function's `NODE_OPTIONS` (`--enable-source-maps` makes Node.js
 * read each bundle's source map as it imports it).
 */
export function coldStartMs(specifiers: string[], runs: number, cwd: string, env: Record<string, string> = {}): Spread {
  const imports = specifiers.map((specifier) => `await import(${JSON.stringify(specifier)});`).join('');
  const script = `const t=performance.now();${imports}process.stdout.write(String(performance.now()-t));`;
  const times = Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd,
        env: { ...process.env, TABLE_NAME: 'bench', AUTH_TOKEN: 'bench', AWS_REGION: 'us-east-1', ...env },
      }).toString(),
    ),
  );
  return spread(times.map((time) => Math.round(time * 10) / 10));
}

export const fileSpecifier = (path: string) => pathToFileURL(path).href;
