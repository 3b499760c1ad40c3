/**
 * How `npm start` stops: on a signal, on Ctrl-C, or when the process that started it (npm) goes
 * away; once in order, and at once when asked again. Takes the process as a parameter, so that
 * tests drive it with an EventEmitter and fake timers.
 */

/** Ctrl-C (SIGINT), SIGTERM (process managers) and SIGHUP (the terminal closing) all stop the gateway. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/**
 * One way of stopping often reaches the gateway twice: npm relays SIGINT and SIGTERM to its
 * script, so a signal sent to the whole process group (a process manager, Ctrl-C without a
 * terminal) arrives twice, the relayed copy late when the machine is busy; a closing terminal
 * sends SIGHUP and ends the parent, which the gateway also notices. A stop request this soon
 * after the first is the same request, whatever its kind.
 */
export const SAME_REQUEST_MS = 2000;
/** How often the gateway checks that the process that started it (npm) is still there. */
export const PARENT_CHECK_MS = 1000;
/** The exit codes of a stop. */
export const STOP_EXIT = {
  /** Closed in order. */
  closed: 0,
  /** Closing failed. */
  failed: 1,
  /** Asked again while closing: exited without waiting for `$disconnect` (128 + SIGINT's 2, as a shell reports Ctrl-C). */
  again: 130,
} as const;

/**
 * How a stop request came: `relayed`, a signal, which may come twice (see SAME_REQUEST_MS);
 * `once`, never a new request (the parent went); `key`, a key press, never duplicated.
 */
export type StopKind = 'relayed' | 'once' | 'key';
/** Asks the gateway to stop; `reason` is what the console line names. */
export type Stop = (reason: string, kind?: StopKind) => void;

/** The parts of `process` that stopping uses. */
export interface StoppableProcess {
  readonly ppid: number;
  on(event: (typeof STOP_SIGNALS)[number], listener: () => void): unknown;
  exit(code: number): void;
}

/** Where stopping writes its lines (the console by default). */
export interface StopOutput {
  log(line: string): void;
  error(line: string): void;
}

/**
 * The first stop request runs `close` (for the gateway: every `$disconnect` runs, bounded by
 * `--shutdown-timeout`) and exits 0, or 1 when closing fails; a second one exits at once
 * (130), unless it is the same request come twice (see {@link StopKind}).
 */
export function stopper(close: () => Promise<void>, proc: Pick<StoppableProcess, 'exit'>, out: StopOutput = console): Stop {
  let first: { reason: string; at: number } | undefined;
  return (reason, kind = 'relayed') => {
    if (first) {
      if (kind === 'once' || (kind === 'relayed' && Date.now() - first.at < SAME_REQUEST_MS)) return;
      out.error(`${reason} again: exiting now, without waiting for $disconnect`);
      return proc.exit(STOP_EXIT.again);
    }
    first = { reason, at: Date.now() };
    out.log(`\n${reason}: closing connections and stopping…`);
    close().then(
      () => proc.exit(STOP_EXIT.closed),
      (error: Error) => {
        out.error(`stopping failed: ${error.message}`);
        proc.exit(STOP_EXIT.failed);
      },
    );
  };
}

/**
 * Calls `gone` once when the process's parent changes: whatever ended npm (even SIGKILL, or
 * SIGHUP, which npm does not relay), the gateway must not live on without it, holding ports.
 * The check never keeps the process alive.
 */
export function onParentExit(proc: Pick<StoppableProcess, 'ppid'>, gone: () => void): NodeJS.Timeout {
  const parent = proc.ppid;
  const watch = setInterval(() => {
    if (proc.ppid === parent) return;
    clearInterval(watch);
    gone();
  }, PARENT_CHECK_MS);
  return watch.unref();
}

/**
 * Stops `gateway` on every {@link STOP_SIGNALS} and when the parent process goes (one request,
 * never a repeat). Returns the stop function, for other ways of asking (a key press).
 */
export function stopOnSignals(gateway: { close(): Promise<void> }, proc: StoppableProcess = process, out: StopOutput = console): Stop {
  const stop = stopper(() => gateway.close(), proc, out);
  for (const signal of STOP_SIGNALS) proc.on(signal, () => stop(signal));
  onParentExit(proc, () => stop('parent exited', 'once'));
  return stop;
}
