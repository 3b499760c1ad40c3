/**
 * `NODE_OPTIONS` from a function's environment, applied to its local containers. On Lambda the
 * runtime's Node.js process reads it (e.g. `--enable-source-maps`, so stack traces name the
 * TypeScript file and line). A local container is a worker thread, and Node.js does not read
 * `NODE_OPTIONS` for one: its options go in as the worker's `execArgv` instead. Options that
 * belong to a whole process (`--max-old-space-size`, `--stack-trace-limit`, ...) are refused by
 * a worker (`ERR_WORKER_INVALID_EXEC_ARGV`); those are left out and reported.
 */
import { Worker } from 'node:worker_threads';

/**
 * Splits `NODE_OPTIONS` as Node.js does: at spaces, `"double quotes"` grouping, `\` escaping
 * inside them. An argument that does not start with `-` belongs to the option before it
 * (`--require ./x.cjs` is one option).
 */
export function nodeOptionGroups(value: string | undefined): string[][] {
  const tokens: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (let at = 0; at < (value ?? '').length; at++) {
    const char = value![at];
    if (quoted && char === '\\' && at + 1 < value!.length) current += value![++at];
    else if (char === '"') {
      quoted = !quoted;
      started = true;
    } else if (char === ' ' && !quoted) {
      if (started) tokens.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) tokens.push(current);
  const groups: string[][] = [];
  for (const token of tokens) {
    if (token.startsWith('-') || groups.length === 0) groups.push([token]);
    else groups.at(-1)!.push(token);
  }
  return groups;
}

/**
 * Reads `NODE_OPTIONS` into a container's `execArgv`, finding out once (for its own life: one per
 * set of functions) whether a worker thread takes each option, by trying it in a worker that does nothing.
 */
export class NodeOptionsReader {
  private readonly accepted = new Map<string, boolean>();

  /** The container's `execArgv` from `NODE_OPTIONS`, and the options a worker thread cannot take. */
  containerExecArgv(nodeOptions: string | undefined): { execArgv: string[]; ignored: string[] } {
    const execArgv: string[] = [];
    const ignored: string[] = [];
    for (const group of nodeOptionGroups(nodeOptions)) {
      if (this.workerTakes(group)) execArgv.push(...group);
      else ignored.push(group.join(' '));
    }
    return { execArgv, ignored };
  }

  /** Whether a worker thread takes this option. */
  private workerTakes(group: string[]): boolean {
    const key = JSON.stringify(group);
    let takes = this.accepted.get(key);
    if (takes === undefined) {
      try {
        const probe = new Worker('', { eval: true, execArgv: group, stdout: true, stderr: true });
        void probe.terminate();
        takes = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
        takes = false;
      }
      this.accepted.set(key, takes);
    }
    return takes;
  }
}
