import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { spread, type Spread } from './bench-report.js';

/**
 * What a fresh process is given when it imports a bundle: what the template and Lambda set for
 * a function (a table, a region, the execution role's keys, which Lambda puts in the
 * environment), with fake values. Nothing is sent anywhere: only the import is timed.
 */
export const COLD_START_ENV = {
  TABLE_NAME: 'bench',
  AUTH_TOKEN: 'bench',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_ACCESS_KEY_ID: 'AKIDCOLDSTART',
  AWS_SECRET_ACCESS_KEY: 'cold-start-secret',
  AWS_SESSION_TOKEN: 'cold-start-token',
} as const;

/** One cold import: its wall time and the main thread's CPU time meanwhile, ms. */
export interface ColdImport {
  ms: number;
  threadCpuMs: number;
}

/** What to import in one fresh process: the modules, then (optionally) code run on them (`m[0]`, `m[1]`, ...). */
export interface ImportProbe {
  specifiers: string[];
  /** e.g. `new m[0].DynamoDBClient({})`: counted in the time. */
  after?: string;
  /** Added to {@link COLD_START_ENV}, e.g. the function's `NODE_OPTIONS`. */
  env?: Record<string, string>;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Imports `probe.specifiers` in one fresh Node.js process (the load part of a Lambda cold
 * start; process start-up itself is not counted) and reports what it took. The process's own
 * NODE_OPTIONS are not passed on: only the probe's.
 */
export function coldImport(probe: ImportProbe, cwd: string): ColdImport {
  const imports = probe.specifiers.map((specifier) => `await import(${JSON.stringify(specifier)})`).join(',');
  const script =
    `const c=process.threadCpuUsage(),t=performance.now();const m=[${imports}];${probe.after ?? ''};` +
    `const w=performance.now()-t,u=process.threadCpuUsage(c);process.stdout.write('\\n@@'+JSON.stringify([w,(u.user+u.system)/1000]));`;
  const { NODE_OPTIONS: _, ...inherited } = process.env;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    env: { ...inherited, ...COLD_START_ENV, ...probe.env },
    // A function's own log lines at import are not the measurement.
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  const [ms, threadCpuMs] = JSON.parse(output.slice(output.lastIndexOf('@@') + 2)) as [number, number];
  return { ms: round(ms), threadCpuMs: round(threadCpuMs) };
}

/**
 * The time, over `runs` fresh Node.js processes, to import `specifiers`: median and range, ms.
 * `env` adds to the environment, e.g. the function's `NODE_OPTIONS` (`--enable-source-maps`
 * makes Node.js read each bundle's source map as it imports it).
 */
export function coldStartMs(specifiers: string[], runs: number, cwd: string, env: Record<string, string> = {}): Spread {
  return spread(Array.from({ length: runs }, () => coldImport({ specifiers, env }, cwd).ms));
}

export const fileSpecifier = (path: string) => pathToFileURL(path).href;
