/**
 * Who may run in the engine now. Ordinary requests run side by side (dynalite locks each
 * item itself); what must see and change several items as one (a transaction, a conditional
 * write that returns the old item, a TTL deletion) runs alone: it waits for the requests under
 * way and holds back new ones until it ends. Closing refuses new requests and reports when the
 * last one under way has ended.
 */
export class EngineGate {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: { exclusive: boolean; start: () => void }[] = [];
  private refusing = false;
  private held = 0;
  private onIdle: (() => void) | undefined;

  /** False once closing began: the request must be answered without reaching the database. */
  get open(): boolean {
    return !this.refusing;
  }

  /** Requests under way: from their arrival until their answer (or their client's going). */
  get underWay(): number {
    return this.held;
  }

  /** Counts a request as under way until the returned function is called (once is enough). */
  hold(): () => void {
    this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.held === 0) this.onIdle?.();
    };
  }

  /** Runs `work` alongside other shared work (`exclusive` false) or alone. */
  async run<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      const canStart = exclusive ? this.shared === 0 && !this.exclusive && this.waiting.length === 0 : !this.exclusive && this.waiting.length === 0;
      if (canStart) {
        this.take(exclusive);
        start();
      } else this.waiting.push({ exclusive, start });
    });
    try {
      return await work();
    } finally {
      if (exclusive) this.exclusive = false;
      else this.shared--;
      this.next();
    }
  }

  /** From now on `open` is false; `idle` resolves once nothing is under way. */
  refuse(): void {
    this.refusing = true;
  }

  /** Resolves when no request is under way. */
  idle(): Promise<void> {
    if (this.underWay === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.onIdle = resolve;
    });
  }

  private take(exclusive: boolean): void {
    if (exclusive) this.exclusive = true;
    else this.shared++;
  }

  /** Starts what waited, in order: one exclusive alone, or every shared one up to the next exclusive. */
  private next(): void {
    while (this.waiting.length > 0 && !this.exclusive) {
      const first = this.waiting[0];
      if (first.exclusive && this.shared > 0) break;
      this.waiting.shift();
      this.take(first.exclusive);
      first.start();
      if (first.exclusive) break;
    }
  }
}
