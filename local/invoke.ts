/**
 * npm run invoke: `sam local invoke` without Docker. Runs one function's bundle with an event,
 * in a container as `npm start` runs it, against the running local gateway's store and
 * `@connections` API. `npm run invoke -- --help` lists the flags.
 *
 * Output contract: the function's log lines (readable) and a `REPORT` line go to stderr; the
 * result goes to stdout as one line, `RESULT ` followed by JSON: the handler's return value,
 * or `{"errorType","errorMessage"}` when it threw or timed out. Exit codes: {@link EXIT}.
 */
import { invokeFunction } from './invoke-function.js';
import { exitCodeOf, INVOKE_HELP, readInvokeOptions, type ParsedInvoke } from './invoke-options.js';
import { EXIT, resultLine } from './invoke-output.js';
import { readableLogLine } from './lambda/log-line.js';

async function main(): Promise<number> {
  let options: ParsedInvoke;
  try {
    options = readInvokeOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`npm run invoke: ${(error as Error).message} (see --help)`);
    return EXIT.usage;
  }
  if (options === 'help') {
    console.log(INVOKE_HELP);
    return EXIT.ok;
  }
  try {
    const outcome = await invokeFunction({ ...options, log: (name, line) => console.error(`[${name}] ${readableLogLine(line)}`) });
    console.error(`REPORT RequestId: ${outcome.requestId}  Duration: ${outcome.ms} ms`);
    console.log(resultLine(outcome));
    return outcome.ok ? EXIT.ok : EXIT.functionError;
  } catch (error) {
    console.error(`npm run invoke: ${(error as Error).message}`);
    return exitCodeOf(error);
  }
}

// process.exitCode, not process.exit(): stdout is flushed before the process ends.
main().then((code) => (process.exitCode = code));
