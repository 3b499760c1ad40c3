import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { median } from '../../tooling/time.js';


/**
 * The median time, over `runs` fresh Node.js processes, to import `specifiers` (the load
 * part of a Lambda cold start; process start-up itself is not counted).
 */
export function coldStartMs(specifiers: string[], runs: number, cwd: string): number {
  const imports = specifiers.map((specifier) => `await import(${JSON.stringify(specifier)});`).join('');
  const script = `const t=performance.now();${imports}process.stdout.write(String(performance.now()-t));`;
  const times = Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd,
        env: { ...process.env, TABLE_NAME: 'bench', AUTH_TOKEN: 'bench', AWS_REGION: 'us-east-1' },
      }).toString(),
    ),
  );
  return median(times);
}

export const fileSpecifier = (path: string) => pathToFileURL(path).href;
