/**
 * The template's `Outputs` with their local values, as `sam deploy` prints them after a deploy:
 * each resolved by the one evaluator; one that has no local value says why instead.
 */
import { UnsupportedIntrinsicError } from '../errors.js';
import { type LocalValues, resolveIntrinsic } from './intrinsics.js';
import type { Template } from './template.js';

/**
 * Output name to its local value (or `(no local value: ...)`), in template order, of a template
 * as it deploys (applyConditions: outputs whose `Condition` is false are gone).
 */
export function outputValues(template: Template, values: LocalValues): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    const { Value } = (output ?? {}) as { Value?: unknown };
    try {
      outputs[name] = resolveIntrinsic(Value, values);
    } catch (error) {
      if (!(error instanceof UnsupportedIntrinsicError)) throw error;
      outputs[name] = `(no local value: ${error.message})`;
    }
  }
  return outputs;
}
