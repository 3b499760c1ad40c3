/**
 * `npm start`'s keys in a terminal: `d` stops and restarts the local DynamoDB, Ctrl-C stops the
 * gateway (raw mode turns it into a key press, not a signal).
 */
import type { LocalStore } from '../dynamodb/store.js';

/** The parts of `process.stdin` the keys use. */
export interface Terminal {
  isTTY?: boolean;
  setRawMode(raw: boolean): unknown;
  on(event: 'data', listener: (key: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Ctrl-C as raw mode delivers it. */
const CTRL_C = '\u0003';

/** Listens for the keys when `stdin` is a terminal; does nothing otherwise (no terminal, no keys). */
export function listenForKeys(
  stdin: Terminal,
  store: Pick<LocalStore, 'paused' | 'pause' | 'resume'>,
  stop: () => void,
  log: (line: string) => void = console.log,
): void {
  if (!stdin.isTTY) return;
  stdin.on('error', () => {}); // the terminal closed: SIGHUP stops the gateway
  stdin.setRawMode(true);
  stdin.on('data', async (key: Buffer) => {
    const text = key.toString();
    if (text === CTRL_C) return stop();
    if (text !== 'd') return;
    if (store.paused) {
      await store.resume();
      log('DynamoDB is back');
    } else {
      await store.pause();
      log('DynamoDB stopped (press d to restart it)');
    }
  });
}
