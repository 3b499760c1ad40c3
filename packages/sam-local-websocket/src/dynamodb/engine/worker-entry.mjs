// The engine's worker thread starts here. From a source checkout (TypeScript) it registers tsx
// in this thread first (a parent's --import does not always reach a worker's loader); an
// installed package runs the compiled JavaScript next to this file.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
