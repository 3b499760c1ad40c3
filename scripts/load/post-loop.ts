// What the CPU-per-post micro-benchmark (post-cpu.ts) takes: its flags and the post loop. (The gateway's own, bench/connections-cpu.ts, is in packages/sam-local-websocket.)

/** The flags both micro-benchmarks take, with their defaults. */
export const POST_LOOP_OPTIONS = {
  /** Posts measured per run. */
  posts: { type: 'string', default: '20000' },
  /** Posts in flight at once. */
  concurrency: { type: 'string', default: '100' },
  /** Posts sent before measuring, so that sockets, caches and the JIT are warm. */
  warmup: { type: 'string', default: '2000' },
} as const;

/** The numbers of those flags. */
export function postLoopSettings(values: { posts: string; concurrency: string; warmup: string }): { posts: number; concurrency: number; warmup: number } {
  return { posts: Number(values.posts), concurrency: Number(values.concurrency), warmup: Number(values.warmup) };
}

/** Posts `count` times with `concurrency` in flight; `postOne(index)` sends the index-th post and never rejects. */
export async function postLoop(count: number, concurrency: number, postOne: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await postOne(next++);
    }),
  );
}
