/**
 * The one evaluator of CloudFormation intrinsics and conditions, used by the local gateway,
 * the build script and the tests: `Ref` (parameters, pseudo parameters and resources), `Fn::GetAtt`
 * (both forms), `Fn::Sub` (both forms, with `${!Literal}` escapes), `Fn::Join`, `Fn::Select`,
 * `Fn::Split`, `Fn::FindInMap`, `Fn::Base64`, `Fn::If` and the condition functions `Fn::Equals`,
 * `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`. Cross-stack lookups (`Fn::ImportValue`) and
 * functions that read the account (`Fn::GetAZs`, `Fn::Transform`) are refused, naming them.
 */
import { partition } from '@aws-sdk/util-endpoints';
import { ConditionError, ParameterError, UnsupportedIntrinsicError } from '../errors.js';
import { checkRules } from './rules.js';
import type { Resource, Template } from './template.js';

export { ConditionError, UnsupportedIntrinsicError };

/** The account id local ARNs carry. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * The pseudo parameters CloudFormation gives every template, with their local values. The
 * partition and URL suffix follow the region, from the SDK's partition data: `aws` and
 * `amazonaws.com`, but e.g. `aws-cn` and `amazonaws.com.cn` in `cn-*` regions.
 */
export function pseudoParameters(region: string, stackName = 'local'): Record<string, string> {
  const { name, dnsSuffix } = partition(region);
  return {
    'AWS::Region': region,
    'AWS::AccountId': LOCAL_ACCOUNT_ID,
    'AWS::StackName': stackName,
    'AWS::Partition': name,
    'AWS::URLSuffix': dnsSuffix,
  };
}

/** What names mean locally. */
export interface LocalValues {
  /** Parameter values, and pseudo parameters such as `AWS::Region`. */
  refs: Record<string, string>;
  /** `Fn::GetAtt` of a resource attribute, e.g. a table's Arn. */
  getAtt: (logicalId: string, attribute: string) => string;
  /** The template's `Mappings`, for `Fn::FindInMap`. */
  mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

/** Functions that need another stack or the account: refused locally, by name. */
const ACCOUNT_FUNCTIONS = ['Fn::ImportValue', 'Fn::GetAZs', 'Fn::Transform', 'Fn::Cidr', 'Fn::GetStackOutput'] as const;

function ref(name: string, refs: Record<string, string>): string {
  const value = refs[name];
  if (value === undefined) throw new UnsupportedIntrinsicError(`Ref ${name} has no local value`);
  return value;
}

/** `${Name}` is replaced; `${!Literal}` stands for the text `${Literal}`, as CloudFormation writes it. */
function sub(template: string, variables: Record<string, string>, values: LocalValues): string {
  return template.replace(/\$\{(!?)([^}]+)\}/g, (_match, bang: string, name: string) => {
    if (bang) return `\${${name}}`;
    if (name in variables) return variables[name];
    const dot = name.indexOf('.');
    return dot > 0 ? values.getAtt(name.slice(0, dot), name.slice(dot + 1)) : ref(name, values.refs);
  });
}

/** Resolves `value` to a string, as CloudFormation would for an environment variable. */
export function resolveIntrinsic(value: unknown, values: LocalValues): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UnsupportedIntrinsicError(`cannot resolve ${JSON.stringify(value)}`);
  }
  // biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where the reader reads it
  const [[fn, argument]] = Object.entries(value) as [string, any][];
  switch (fn) {
    case 'Ref':
      return ref(argument, values.refs);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
      return values.getAtt(logicalId, attribute);
    }
    case 'Fn::Sub': {
      if (typeof argument === 'string') return sub(argument, {}, values);
      const [template, variables = {}] = argument as [string, Record<string, unknown>];
      const resolved = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolveIntrinsic(v, values)]));
      return sub(template, resolved, values);
    }
    case 'Fn::Join': {
      const [separator, items] = argument as [string, unknown];
      return listOf(items, values).join(separator);
    }
    case 'Fn::Select': {
      const [index, items] = argument as [number | string, unknown];
      const list = listOf(items, values);
      const at = Number(resolveIntrinsic(index, values));
      if (!Number.isInteger(at) || at < 0 || at >= list.length)
        throw new UnsupportedIntrinsicError(`Fn::Select index ${at} is outside a list of ${list.length}`);
      return list[at];
    }
    case 'Fn::Split':
      return listOf(value, values).join(',');
    case 'Fn::FindInMap': {
      const [map, top, second] = (argument as unknown[]).map((item) => resolveIntrinsic(item, values));
      const found = values.mappings?.[map]?.[top]?.[second];
      if (found === undefined) throw new UnsupportedIntrinsicError(`Fn::FindInMap [${map}, ${top}, ${second}] names no value in Mappings`);
      return Array.isArray(found) ? found.map(String).join(',') : String(found);
    }
    case 'Fn::Base64':
      return Buffer.from(resolveIntrinsic(argument, values)).toString('base64');
    default:
      if ((ACCOUNT_FUNCTIONS as readonly string[]).includes(fn)) {
        throw new UnsupportedIntrinsicError(`${fn} reads another stack or the account, which the twin does not have: put the value in a parameter`);
      }
      throw new UnsupportedIntrinsicError(`${fn} is not supported locally`);
  }
}

/** A literal list, or a `Ref` to a list parameter (its value is comma separated, as CloudFormation takes it). */
export function listOf(items: unknown, values: LocalValues): string[] {
  if (Array.isArray(items)) return items.map((item) => resolveIntrinsic(item, values));
  const split = (items as { 'Fn::Split'?: [string, unknown] } | undefined)?.['Fn::Split'];
  if (split) return resolveIntrinsic(split[1], values).split(resolveIntrinsic(split[0], values));
  return resolveIntrinsic(items, values).split(',');
}

type Node = unknown;

/**
 * Evaluates condition functions (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`)
 * over parameters, pseudo parameters and literals.
 */
function conditionEvaluator(definitions: Record<string, unknown>, refs: Record<string, string>) {
  const results = new Map<string, boolean>();
  // Conditions compare parameters, pseudo parameters and literals (GetAtt is not allowed there).
  const values: LocalValues = {
    refs,
    getAtt: (logicalId, attribute) => {
      throw new ConditionError(`conditions cannot use Fn::GetAtt (${logicalId}.${attribute})`);
    },
  };
  const operand = (node: Node): string => {
    try {
      return resolveIntrinsic(node, values);
    } catch (error) {
      if (error instanceof ConditionError) throw error;
      throw new ConditionError(`condition operand ${JSON.stringify(node)}: ${(error as Error).message}`, { cause: error });
    }
  };

  const evaluate = (node: Node): boolean => {
    // biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where the reader reads it
    const [[fn, argument]] = Object.entries(node as Record<string, any>);
    switch (fn) {
      case 'Condition':
        return condition(argument);
      case 'Fn::Equals':
        return operand(argument[0]) === operand(argument[1]);
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
  return { evaluate, condition };
}

/**
 * Refuses parameter values as CloudFormation would before deploying: a value outside its
 * `AllowedValues` or not matching its `AllowedPattern`, or a `Rules` assertion that fails (its
 * `AssertDescription` is the message); a rule that uses anything but the rule functions makes
 * the template invalid (see rules.ts).
 */
export function checkParameters(template: Template, parameters: Record<string, string>): void {
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    if (!(name in parameters)) continue;
    const allowed = parameter.AllowedValues?.map(String);
    if (allowed && !allowed.includes(parameters[name])) {
      throw new ParameterError(`parameter ${name} must be one of ${allowed.join(', ')}, got "${parameters[name]}"`);
    }
    // CloudFormation matches the whole value against the pattern.
    if (typeof parameter.AllowedPattern === 'string' && !new RegExp(`^(?:${parameter.AllowedPattern})$`).test(parameters[name])) {
      throw new ParameterError(`parameter ${name} must match ${parameter.AllowedPattern}, got "${parameters[name]}"`);
    }
  }
  const { condition } = conditionEvaluator(template.Conditions ?? {}, parameters);
  checkRules(template, parameters, condition);
}

/**
 * The template as CloudFormation would deploy it with these values (parameters and pseudo
 * parameters, e.g. `{ ...pseudoParameters(region), ...parameters }`): resources whose
 * `Condition` is false are gone, every `Fn::If` is replaced by its chosen branch, and
 * properties set to `!Ref AWS::NoValue` are removed.
 */
export function applyConditions(template: Template, refs: Record<string, string>): Template {
  const { condition } = conditionEvaluator(template.Conditions ?? {}, refs);

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
    return Object.fromEntries(entries.map(([key, child]) => [key, resolve(child)] as const).filter(([, child]) => child !== NO_VALUE));
  };

  const resources: Record<string, Resource> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (typeof resource.Condition === 'string' && !condition(resource.Condition)) continue;
    resources[logicalId] = resolve(resource) as Resource;
  }
  const outputs: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    const when = (output as { Condition?: unknown } | null)?.Condition;
    if (typeof when !== 'string' || condition(when)) outputs[name] = resolve(output);
  }
  return { ...template, Globals: resolve(template.Globals) as Template['Globals'], Resources: resources, Outputs: outputs };
}
