// The engine's worker thread starts here. From a source checkout the parent names, in
// `workerData.typescript`, tsx's API (a devDependency, as bin/ uses it): it is registered in
// this thread first (a parent's loader hooks do not always reach a worker).
// An installed package runs the compiled JavaScript next to this file and passes none.
import { workerData } from 'node:worker_threads';

if (workerData.typescript) {
  const { register } = await import(workerData.typescript);
  register();
}
await import(workerData.entry);
