/**
 * `sam-local-websocket [options]`: runs the template's WebSocket API locally; `--help` lists the
 * flags. This file wires the process to the parts: the flags (start-options.ts), the ready line
 * (ready-line.ts), the banner (banner.ts), stopping (stop-on-signals.ts) and the keys (terminal-keys.ts).
 */
import { startGateway } from '../stack/gateway.js';
import { banner } from './banner.js';
import { readyFacts, readyLine } from './ready-line.js';
import { CLI_HELP, readCliOptions, type StartOptions } from './start-options.js';
import { stopOnSignals } from './stop-on-signals.js';
import { listenForKeys } from './terminal-keys.js';

/** Starts the gateway as the command line asks, prints its ready line (`--ready-json`) and banner, and stops it on a signal. */
export async function runStart(argv: string[]): Promise<void> {
  let parsed: StartOptions | 'help';
  try {
    parsed = readCliOptions(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${CLI_HELP}`);
    process.exitCode = 2;
    return;
  }
  if (parsed === 'help') {
    console.log(CLI_HELP);
    return;
  }
  const { readyJson, ...options } = parsed;
  // Once the terminal is gone, writing to it fails (EIO, EPIPE): the lines are dropped, the
  // shutdown goes on.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const gateway = await startGateway({ watch: true, ...options });
  if (readyJson) console.log(readyLine(readyFacts(gateway, options)));
  console.log(banner(gateway, options));
  const stop = stopOnSignals(gateway);
  listenForKeys(process.stdin, gateway.store, () => stop('Ctrl-C', 'key')); // raw mode: a key press, not a signal
}
