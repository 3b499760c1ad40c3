/**
 * How many tests each suite has: the test files its npm script names, counted by
 * `mocha --dry-run` (every describe body runs, so tests made in loops count; no test or hook
 * runs). Suites are read from package.json scripts, so a suite that moves keeps being counted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, type Dataset, type View } from '../figure.js';

/** The suites, as a user runs them; those whose package or script does not exist (yet) are left out. */
export const SUITES = [
  { command: 'npm test', dir: '.', script: 'test' },
  { command: 'npm test -w sam-local-websocket', dir: 'packages/sam-local-websocket', script: 'test' },
  { command: 'npm run test:slow', dir: '.', script: 'test:slow' },
] as const;

export interface TestCounts {
  suites: { command: string; specs: string[]; files: number; tests: number }[];
}

/** The test files a script hands mocha: its quoted arguments that name test files. */
export function specsOf(script: string): string[] {
  return [...script.matchAll(/"([^"]+\.test\.[cm]?[jt]s)"/g)].map((match) => match[1]);
}

function dryRun(dir: string, specs: string[]): { files: number; tests: number } {
  const scratch = mkdtempSync(join(tmpdir(), 'test-counts-'));
  try {
    const output = join(scratch, 'report.json');
    const mocha = join(process.cwd(), 'node_modules', 'mocha', 'bin', 'mocha.js');
    execFileSync(process.execPath, [mocha, '--dry-run', '--reporter', 'json', '--reporter-option', `output=${output}`, ...specs], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const report = JSON.parse(readFileSync(output, 'utf8')) as { tests: { file: string }[] };
    return { files: new Set(report.tests.map((test) => test.file)).size, tests: report.tests.length };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function countTests(): Promise<TestCounts> {
  const suites: TestCounts['suites'] = [];
  for (const suite of SUITES) {
    const manifest = join(suite.dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const script = (JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string> }).scripts?.[suite.script];
    if (!script) continue;
    const specs = specsOf(script);
    if (specs.length === 0) throw new Error(`${manifest}: the ${suite.script} script names no quoted test files ("….test.ts") to count`);
    suites.push({ command: suite.command, specs, ...dryRun(suite.dir, specs) });
  }
  return { suites };
}

export const testCountsDataset: Dataset<TestCounts> = {
  name: 'test-counts',
  kind: 'counted',
  howTo: 'mocha --dry-run of the test files each suite script names',
  collect: countTests,
};

export const testCountsViews: View[] = [
  {
    name: 'test-counts',
    reads: ['test-counts'],
    render: (data) =>
      [
        'Counted by `mocha --dry-run` over the test files each script names (a test made in a loop counts once per case).',
        '',
        '| suite | test files | tests | files |',
        '| :--- | ---: | ---: | :--- |',
        ...(data('test-counts') as TestCounts).suites.map(
          (suite) => `| \`${suite.command}\` | ${count(suite.files)} | ${count(suite.tests)} | ${suite.specs.map((spec) => `\`${spec}\``).join(', ')} |`,
        ),
      ].join('\n'),
  },
];
