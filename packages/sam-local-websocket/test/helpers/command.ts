import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseReadyLine, type ReadyFacts } from '../../src/cli/ready-line.js';

/** The command as a user runs it: bin/sam-local-websocket.js. */
export const BIN = fileURLToPath(new URL('../../bin/sam-local-websocket.js', import.meta.url));

/** A running `sam-local-websocket` child process. */
export interface RunningCommand {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything it printed so far, stdout and stderr, for assertions on the human lines. */
  output(): string;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Its ready line (`--ready-json`), once it printed one; rejects if it exits first. */
  ready: Promise<ReadyFacts>;
}

/** Runs the command with `args` (and `--ready-json`), with `env` as its whole environment. */
export function runCommand(args: string[], env: NodeJS.ProcessEnv = process.env): RunningCommand {
  const child = spawn(process.execPath, [BIN, ...args, '--ready-json'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<ReadyFacts>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const facts = parseReadyLine(line);
      if (facts) resolve(facts);
    });
    exited.then((code) => reject(new Error(`the command exited (${code}) before it was ready:\n${output}`)));
  });
  ready.catch(() => {}); // a test that never awaits it must not fail on its rejection
  return { child, output: () => output, exited, ready };
}
