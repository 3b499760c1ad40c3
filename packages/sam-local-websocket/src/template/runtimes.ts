/**
 * Node.js runtimes that AWS has deprecated: they run on the twin's Node.js with a warning that
 * carries AWS's dates. The dates are those of cfn-lint's runtime lifecycle data
 * (`src/cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json`, the copy in ../shared/sam-tools),
 * which follows the deprecation table of the Lambda runtimes page; AWS moves them now and then.
 */
import type { FunctionSpec } from './template.js';

/** Deprecated (no more patches), then creating, then updating functions blocked: ISO dates. */
export interface RuntimeLifecycle {
  deprecated: string;
  createBlocked: string;
  updateBlocked: string;
}

export const NODE_RUNTIME_LIFECYCLE: Readonly<Record<string, RuntimeLifecycle>> = {
  nodejs: { deprecated: '2016-08-30', createBlocked: '2016-09-30', updateBlocked: '2016-10-31' },
  'nodejs4.3': { deprecated: '2020-03-05', createBlocked: '2020-02-03', updateBlocked: '2020-03-05' },
  'nodejs4.3-edge': { deprecated: '2020-03-05', createBlocked: '2019-03-31', updateBlocked: '2019-04-30' },
  'nodejs6.10': { deprecated: '2019-08-12', createBlocked: '2019-07-12', updateBlocked: '2019-08-12' },
  'nodejs8.10': { deprecated: '2020-03-06', createBlocked: '2020-02-04', updateBlocked: '2020-03-06' },
  'nodejs10.x': { deprecated: '2021-07-30', createBlocked: '2021-07-30', updateBlocked: '2022-02-14' },
  'nodejs12.x': { deprecated: '2023-03-31', createBlocked: '2023-03-31', updateBlocked: '2023-04-30' },
  'nodejs14.x': { deprecated: '2023-12-04', createBlocked: '2024-01-09', updateBlocked: '2027-03-03' },
  'nodejs16.x': { deprecated: '2024-06-12', createBlocked: '2027-02-01', updateBlocked: '2027-03-03' },
  'nodejs18.x': { deprecated: '2025-09-01', createBlocked: '2027-02-01', updateBlocked: '2027-03-03' },
  'nodejs20.x': { deprecated: '2026-04-30', createBlocked: '2027-02-01', updateBlocked: '2027-03-03' },
  'nodejs22.x': { deprecated: '2027-04-30', createBlocked: '2027-06-01', updateBlocked: '2027-07-01' },
  'nodejs24.x': { deprecated: '2028-04-30', createBlocked: '2028-06-01', updateBlocked: '2028-07-01' },
};

/** The newest Node.js runtime, the successor of every deprecated one. */
export const NEWEST_NODE_RUNTIME = 'nodejs24.x';

/** What AWS lets you do with a runtime on `today`, in words, or undefined while it is supported. */
export function runtimeWarning(logicalId: string, runtime: string | undefined, today: Date = new Date()): string | undefined {
  const lifecycle = runtime ? NODE_RUNTIME_LIFECYCLE[runtime] : undefined;
  if (!lifecycle) return undefined;
  const day = today.toISOString().slice(0, 10);
  if (day < lifecycle.deprecated) return undefined;
  const was = (date: string) => (day >= date ? `since ${date}` : `from ${date}`);
  return (
    `${logicalId}: ${runtime} is deprecated on AWS (since ${lifecycle.deprecated}); creating functions on it is blocked ${was(lifecycle.createBlocked)}` +
    ` and updating them ${was(lifecycle.updateBlocked)}. It runs here on Node.js ${process.versions.node}; move to ${NEWEST_NODE_RUNTIME}`
  );
}

/** The warning of every function on a deprecated Node.js runtime. */
export function runtimeWarnings(functions: FunctionSpec[], today: Date = new Date()): string[] {
  return functions.flatMap((fn) => runtimeWarning(fn.logicalId, fn.runtime, today) ?? []);
}
