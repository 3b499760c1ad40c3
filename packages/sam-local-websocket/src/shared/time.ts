/** Resolves after `ms` (for pacing and injected latency; tests await events instead). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
