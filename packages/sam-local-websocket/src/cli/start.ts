/**
 * npm start: runs the template's WebSocket API locally. `npm start -- --help` lists the flags.
 * This file wires the process to the parts: the flags (cli-options.ts), the banner (banner.ts),
 * stopping (stop-on-signals.ts) and the keys (terminal-keys.ts).
 */
import { banner } from './banner.js';
import { CLI_HELP, readCliOptions } from './start-options.js';
import { startGateway } from '../stack/gateway.js';
import type { GatewayOptions } from '../stack/options.js';
import { stopOnSignals } from './stop-on-signals.js';
import { listenForKeys } from './terminal-keys.js';

async function main(): Promise<void> {
  let options: Partial<GatewayOptions> | 'help';
  try {
    options = readCliOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${CLI_HELP}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(CLI_HELP);
    return;
  }
  // Once the terminal is gone, writing to it fails (EIO, EPIPE): the lines are dropped, the
  // shutdown goes on.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const gateway = await startGateway({ watch: true, ...options });
  console.log(banner(gateway, options));
  const stop = stopOnSignals(gateway);
  listenForKeys(process.stdin, gateway.store, () => stop('Ctrl-C', 'key')); // raw mode: a key press, not a signal
}

main().catch((error) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
