// The engine's worker thread starts here. From a source checkout (TypeScript, run through tsx
// registered in the parent thread only) it registers tsx in this thread first; an installed
// package runs the compiled JavaScript next to this file.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts') && !process.execArgv.some((arg) => arg.includes('tsx'))) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
