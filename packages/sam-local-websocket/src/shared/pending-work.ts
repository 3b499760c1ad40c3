/** Work under way (invocations the gateway started), so that shutdown can wait for it. */
export class PendingWork {
  private readonly work = new Set<Promise<unknown>>();
  private readonly waiters = new Set<() => void>();

  /** Keeps `work` until it settles. */
  add(work: Promise<unknown>): void {
    this.work.add(work);
    void work.finally(() => {
      this.work.delete(work);
      for (const wake of this.waiters) wake();
    });
  }

  get size(): number {
    return this.work.size;
  }

  /** Resolves true once nothing is under way, or false at `deadline` (epoch ms). */
  settled(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.work.size === 0) return resolve(true);
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      const check = () => this.work.size === 0 && finish(true);
      const timer = setTimeout(() => finish(this.work.size === 0), Math.max(0, deadline - Date.now()));
      this.waiters.add(check);
    });
  }
}
