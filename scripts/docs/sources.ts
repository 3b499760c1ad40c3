/**
 * Everything the documentation's figures read from outside scripts/docs/: the local twin's
 * template reader, esbuild settings and help texts, and the benchmark's report. One file, so
 * that the twin's public entry is the only way in.
 */
export {
  CLI_HELP,
  EMULATED_TYPES,
  esbuildOptions,
  functionsOf,
  INERT_TYPES,
  INVOKE_HELP,
  loadTemplate,
  NODE_RUNTIME_LIFECYCLE,
  NOT_RUN_TYPES,
  type FunctionSpec,
  type RuntimeLifecycle,
} from 'sam-local-websocket';
export { benchMarkdown, spread, formatSpread, type BenchResult, type Spread } from '../load/bench-report.js';
export type { SoakResult } from '../load/soak.js';
export { SOURCE_MAP_VARIANTS, type SourceMapResult } from '../load/source-map-report.js';
export { bundleLoad, type BundleLoad } from '../load/bundle-loads.js';
export { coldStartMarkdown, type ColdStartResult } from '../load/cold-start-report.js';
