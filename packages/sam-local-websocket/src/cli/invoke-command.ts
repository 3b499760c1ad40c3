/**
 * The invoke command's flow, from its command line to its exit code, with what it touches passed
 * in (invoke.ts passes the process's), so that tests run it without a gateway or a process.
 */
import type { invokeFunction } from '../stack/invoke-function.js';
import { exitCodeOf, INVOKE_HELP, readInvokeOptions, type ParsedInvoke } from './invoke-options.js';
import { EXIT, resultLine } from './invoke-output.js';
import { readableLogLine } from '../lambda/log-line.js';

/** What the invoke command uses: its environment, the invocation, and where its lines go. */
export interface InvokeCommandDeps {
  /** Where `PORT`, `DB_PORT` and `AUTH_TOKEN` are read. */
  env: NodeJS.ProcessEnv;
  invoke: typeof invokeFunction;
  /** A stdout line: the help, or the result line. */
  out(line: string): void;
  /** A stderr line: the function's logs, the REPORT line, what failed. */
  err(line: string): void;
}

/**
 * Runs the invoke command with `argv` (the flags, without node and the script) and answers its exit
 * code ({@link EXIT}): the function's log lines and a `REPORT` line go to `err`, the
 * `RESULT {json}` line to `out`.
 */
export async function runInvoke(argv: string[], deps: InvokeCommandDeps): Promise<number> {
  // Under `npm run`, arguments before `--` are npm's: it takes `-e FILE` itself (as `--enjoy-by`)
  // and passes only the function's name, so the event would silently be {}.
  const npmHint = deps.env.npm_lifecycle_event
    ? `; through npm run, put -- before the arguments: npm run ${deps.env.npm_lifecycle_event} -- FUNCTION -e FILE`
    : '';
  let options: ParsedInvoke;
  try {
    options = readInvokeOptions(argv, deps.env);
  } catch (error) {
    deps.err(`sam-local-websocket invoke: ${(error as Error).message} (see --help${npmHint})`);
    return EXIT.usage;
  }
  if (options === 'help') {
    deps.out(INVOKE_HELP);
    return EXIT.ok;
  }
  if (npmHint && !argv.some((arg) => arg === '--event' || arg.startsWith('--event=') || arg.startsWith('-e'))) {
    deps.err(`sam-local-websocket invoke: no -e/--event given, so the event is {}${npmHint}`);
  }
  try {
    const outcome = await deps.invoke({ ...options, log: (name, line) => deps.err(`[${name}] ${readableLogLine(line)}`) });
    deps.err(`REPORT RequestId: ${outcome.requestId}  Duration: ${outcome.ms} ms`);
    deps.out(resultLine(outcome));
    return outcome.ok ? EXIT.ok : EXIT.functionError;
  } catch (error) {
    deps.err(`sam-local-websocket invoke: ${(error as Error).message}`);
    return exitCodeOf(error);
  }
}
