/**
 * This thread's CPU time so far, ms: `process.threadCpuUsage()` (Node.js 23.9 and later);
 * on older Node.js the whole process's `process.cpuUsage()`, which also counts other threads.
 */
export function threadCpuMs(): number {
  const usage = typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
