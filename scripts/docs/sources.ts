/**
 * Everything the documentation's figures read from outside scripts/docs/: the local twin's
 * template reader, esbuild settings and help texts, and the benchmark's report. One file, so
 * that the twin's public entry is the only way in.
 */
export { CLI_HELP, esbuildOptions, functionsOf, INVOKE_HELP, loadTemplate, type FunctionSpec } from 'sam-local-websocket';
export { benchMarkdown, spread, formatSpread, type BenchResult, type Spread } from '../load/bench-report.js';
export type { SoakResult } from '../load/soak.js';
export { SOURCE_MAP_VARIANTS, type SourceMapResult } from '../load/source-map-report.js';
export { bundleLoad, type BundleLoad } from '../load/bundle-loads.js';
export { coldStartMarkdown, type ColdStartResult } from '../load/cold-start-report.js';
