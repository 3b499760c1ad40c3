/**
 * `sam-local-websocket invoke`: `sam local invoke` without Docker. Runs one function's bundle
 * with an event, in a container as the gateway runs it, against the running local gateway's
 * store and `@connections` API. `sam-local-websocket invoke --help` lists the flags.
 *
 * Output contract: the function's log lines (readable) and a `REPORT` line go to stderr; the
 * result goes to stdout as one line, `RESULT ` followed by JSON: the handler's return value,
 * or `{"errorType","errorMessage"}` when it threw or timed out. Exit codes: `EXIT` of
 * invoke-output.ts. The flow is invoke-command.ts; this file wires it to the process.
 */
import { invokeFunction } from '../stack/invoke-function.js';
import { runInvoke } from './invoke-command.js';

/** Runs the command with `argv` (after `invoke`) and sets the process's exit code. */
export async function runInvokeCommand(argv: string[]): Promise<void> {
  const code = await runInvoke(argv, {
    env: process.env,
    invoke: invokeFunction,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
  // process.exitCode, not process.exit(): stdout is flushed before the process ends.
  process.exitCode = code;
}
