/**
 * Everything the documentation's figures read from outside scripts/docs/: the local twin's
 * template reader, esbuild settings and help texts, and the benchmark's report. One file, so
 * that moving the twin (packages/sam-local-websocket) changes one import list.
 */
export { esbuildOptions } from '../../tooling/sam/bundle.js';
export { functionsOf, loadTemplate, type FunctionSpec } from '../../tooling/sam/template.js';
export { CLI_HELP } from '../../local/cli-options.js';
export { INVOKE_HELP } from '../../local/invoke-options.js';
export { benchMarkdown, spread, formatSpread, type BenchResult, type Spread } from '../load/bench-report.js';
export type { SoakResult } from '../load/soak.js';
export { SOURCE_MAP_VARIANTS, type SourceMapResult } from '../load/source-map-report.js';
