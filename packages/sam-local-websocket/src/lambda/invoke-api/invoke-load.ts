/**
 * What the Invoke API holds, bounded: payload bytes (bodies being read, events accepted and not
 * yet done) and each function's recent log lines (for `LogType: Tail`).
 */
import type { Outcome } from '../container-protocol.js';
import { PendingWork } from '../../shared/pending-work.js';
import { INVOKE_LIMITS } from './constants.js';

/** Payload bytes held by the Invoke API, under a bound, and the asynchronous work it accepted. */
export class InvokeLoad {
  private bytes = 0;
  private readonly work = new PendingWork();

  constructor(readonly maxBytes: number) {}

  /** Takes `bytes` if they fit under the bound; false (nothing taken) if not. */
  hold(bytes: number): boolean {
    if (this.bytes + bytes > this.maxBytes) return false;
    this.bytes += bytes;
    return true;
  }

  /** Changes a holding from `from` to `to` bytes (the body's real size); returns `to`. */
  resize(from: number, to: number): number {
    this.bytes += to - from;
    return to;
  }

  release(bytes: number): void {
    this.bytes -= bytes;
  }

  get held(): number {
    return this.bytes;
  }

  /** Holds `bytes` until `work` (an accepted event's run, to its destination record) settles. */
  track(work: Promise<unknown>, bytes: number): void {
    this.work.add(work.catch(() => {}).finally(() => this.release(bytes)));
  }

  get pending(): number {
    return this.work.size;
  }

  /** Resolves true once no accepted event is under way, or false at `deadline` (epoch ms). */
  settled(deadline: number): Promise<boolean> {
    return this.work.settled(deadline);
  }
}

/** Lines kept per function: enough for a 4 KB tail of one invocation's lines. */
const KEPT_BYTES = 2 * INVOKE_LIMITS.logTailBytes;

/**
 * Each function's most recent log lines, numbered, so that an invocation's tail is the lines
 * written while it ran. Lines of invocations of the same function that overlap in time cannot be
 * told apart locally (a line carries no request id): the tail then holds both; on Lambda each
 * execution environment's log is its own.
 */
export class LogTail {
  private readonly lines = new Map<string, { seq: number; line: string }[]>();
  private seq = 0;

  add(name: string, line: string): void {
    let kept = this.lines.get(name);
    if (!kept) {
      kept = [];
      this.lines.set(name, kept);
    }
    kept.push({ seq: ++this.seq, line });
    let bytes = kept.reduce((sum, entry) => sum + entry.line.length + 1, 0);
    while (bytes > KEPT_BYTES && kept.length > 1) bytes -= kept.shift()!.line.length + 1;
  }

  /** The number the next line will pass: lines after it are the invocation's. */
  mark(_name: string): number {
    return this.seq;
  }

  /** The invocation's log as Lambda writes it: START, the lines written since `since`, END and REPORT. */
  linesOf(name: string, since: number, outcome: Outcome, memorySize: number): string[] {
    const own = (this.lines.get(name) ?? []).filter((entry) => entry.seq > since).map((entry) => entry.line);
    const id = outcome.requestId;
    const duration = outcome.ms.toFixed(2);
    return [
      `START RequestId: ${id} Version: $LATEST`,
      ...own,
      `END RequestId: ${id}`,
      `REPORT RequestId: ${id}\tDuration: ${duration} ms\tBilled Duration: ${Math.max(1, Math.ceil(outcome.ms))} ms\tMemory Size: ${memorySize} MB`,
    ];
  }
}
