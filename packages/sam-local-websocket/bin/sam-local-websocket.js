#!/usr/bin/env node
// The sam-local-websocket command (src/cli/main.ts). An installed package runs its compiled
// JavaScript (dist/); a source checkout (the repository, where nothing is compiled and src/
// is present) runs the TypeScript itself through tsx.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import(new URL('../dist/cli/main.js', import.meta.url).href));
}
await main(process.argv.slice(2));
