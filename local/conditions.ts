import type { Resource, Template } from './template.js';

/** A template's `Conditions` could not be evaluated locally. */
export class ConditionError extends Error {
  override name = 'ConditionError' as const;
}

type Node = unknown;

/**
 * The template as CloudFormation would deploy it with these parameter values: resources
 * whose `Condition` is false are gone, every `Fn::If` is replaced by its chosen branch, and
 * properties set to `!Ref AWS::NoValue` are removed.
 */
export function applyConditions(template: Template, parameters: Record<string, string>): Template {
  const definitions = template.Conditions ?? {};
  const results = new Map<string, boolean>();

  const value = (node: Node): unknown => {
    const ref = (node as { Ref?: string } | null)?.Ref;
    if (typeof ref === 'string') {
      if (!(ref in parameters)) throw new ConditionError(`condition uses Ref ${ref}, which has no value`);
      return parameters[ref];
    }
    return node;
  };

  const evaluate = (node: Node): boolean => {
    const [[fn, argument]] = Object.entries(node as Record<string, any>);
    switch (fn) {
      case 'Condition':
        return condition(argument);
      case 'Fn::Equals':
        return String(value(argument[0])) === String(value(argument[1]));
      case 'Fn::Not':
        return !evaluate(argument[0]);
      case 'Fn::And':
        return (argument as Node[]).every(evaluate);
      case 'Fn::Or':
        return (argument as Node[]).some(evaluate);
      default:
        throw new ConditionError(`${fn} is not supported in conditions locally`);
    }
  };

  const condition = (name: string): boolean => {
    if (!results.has(name)) {
      if (!(name in definitions)) throw new ConditionError(`condition ${name} is not defined`);
      results.set(name, evaluate(definitions[name]));
    }
    return results.get(name)!;
  };

  const NO_VALUE = Symbol('no value');
  const resolve = (node: Node): unknown => {
    if (Array.isArray(node)) return node.map(resolve).filter((item) => item !== NO_VALUE);
    if (!node || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    if (entries.length === 1 && entries[0][0] === 'Fn::If') {
      const [name, whenTrue, whenFalse] = entries[0][1] as [string, Node, Node];
      return resolve(condition(name) ? whenTrue : whenFalse);
    }
    if (entries.length === 1 && entries[0][0] === 'Ref' && entries[0][1] === 'AWS::NoValue') return NO_VALUE;
    return Object.fromEntries(
      entries.map(([key, child]) => [key, resolve(child)] as const).filter(([, child]) => child !== NO_VALUE),
    );
  };

  const resources: Record<string, Resource> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (typeof resource.Condition === 'string' && !condition(resource.Condition)) continue;
    resources[logicalId] = resolve(resource) as Resource;
  }
  return { ...template, Globals: resolve(template.Globals) as Template['Globals'], Resources: resources };
}
