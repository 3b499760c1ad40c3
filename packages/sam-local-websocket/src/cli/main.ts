/**
 * The `sam-local-websocket` command: `sam-local-websocket [options]` (or `start [options]`) runs
 * a template's WebSocket API locally; `invoke FUNCTION` runs one of its functions against the
 * running gateway, as `sam local invoke` does; `token --sub NAME` mints a token from its local
 * issuer (`--auth jwt`). Each takes `--help`.
 */
import { isRefusal, REFUSAL_EXIT_CODE } from '../errors.js';
import { runInvokeCommand } from './invoke.js';
import { runStart } from './start.js';
import { runToken } from './token.js';

/** The subcommands, by name; anything else is the start command's flags. */
export const SUBCOMMANDS = { start: runStart, invoke: runInvokeCommand, token: runToken } as const;

/** Runs the command line (without node and the script): a subcommand, or the gateway. */
export async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  const name = Object.hasOwn(SUBCOMMANDS, first ?? '') ? (first as keyof typeof SUBCOMMANDS) : undefined;
  try {
    await (name ? SUBCOMMANDS[name](rest) : runStart(argv));
  } catch (error) {
    // One line, no stack; a refused template (or parameter) exits 2, anything else 1.
    console.error(`sam-local-websocket${name ? ` ${name}` : ''} failed: ${(error as Error).message}`);
    process.exit(isRefusal(error) ? REFUSAL_EXIT_CODE : 1);
  }
}
