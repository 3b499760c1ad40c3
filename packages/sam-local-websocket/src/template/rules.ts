/**
 * CloudFormation `Rules`: the checks of parameter values run before anything deploys. Their
 * conditions and assertions may use the rule functions only (CloudFormation "Rule functions"
 * reference): no `Fn::Join`, `Fn::Sub`, `Fn::Select` and the like, which cfn-lint does not
 * flag and CloudFormation refuses. One walker names any other function (`npm run check:sam`
 * and the local gateway both use it); one evaluator runs the rules over parameter values.
 */
import { ParameterError, TemplateError } from '../errors.js';
import type { Template } from './template.js';

/** The functions a rule's condition and assertions may use. */
export const RULE_FUNCTIONS = [
  'Fn::And',
  'Fn::Contains',
  'Fn::EachMemberEquals',
  'Fn::EachMemberIn',
  'Fn::Equals',
  'Fn::If',
  'Fn::Not',
  'Fn::Or',
  'Fn::RefAll',
  'Fn::ValueOf',
  'Fn::ValueOfAll',
  'Ref',
] as const;

/** A function a rule uses that is not a rule function, and where. */
export interface ForeignFunction {
  rule: string;
  /** e.g. `Rules.JwtRule.Assertions[1].Assert.Fn::Not[0].Fn::Equals[0]` */
  path: string;
  /** e.g. `Fn::Join` */
  fn: string;
}

/** An intrinsic is an object of one key: `Ref`, `Condition` or `Fn::...`. */
function intrinsicName(node: unknown): string | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const [key] = keys;
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

function walk(node: unknown, path: string, found: (fn: string, path: string) => void): void {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) walk(item, `${path}[${index}]`, found);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const fn = intrinsicName(node);
  if (fn && !(RULE_FUNCTIONS as readonly string[]).includes(fn)) found(fn, path);
  for (const [key, child] of Object.entries(node)) walk(child, `${path}.${key}`, found);
}

/** Every function in the template's `Rules` that is not a rule function (none: an empty list). */
export function foreignRuleFunctions(template: Pick<Template, 'Rules'>): ForeignFunction[] {
  const uses: ForeignFunction[] = [];
  for (const [rule, body] of Object.entries(template.Rules ?? {})) {
    const record = (fn: string, path: string) => uses.push({ rule, path, fn });
    if (body.RuleCondition !== undefined) walk(body.RuleCondition, `Rules.${rule}.RuleCondition`, record);
    for (const [index, assertion] of (body.Assertions ?? []).entries()) walk(assertion.Assert, `Rules.${rule}.Assertions[${index}].Assert`, record);
  }
  return uses;
}

/** One line per foreign function, e.g. `Fn::Join at Rules.X.Assertions[1].Assert.Fn::Not[0]`. */
export function describeForeignFunctions(uses: ForeignFunction[]): string {
  return uses.map((use) => `${use.fn} at ${use.path}`).join('; ');
}

type Value = string | string[];

/**
 * Runs the template's `Rules` over parameter values as CloudFormation does before a deploy: a
 * rule whose condition holds must have every assertion true, or the deploy is refused with
 * its `AssertDescription` ({@link ParameterError}). A rule that uses any function but the rule
 * functions makes the template invalid ({@link TemplateError}), as CloudFormation refuses it.
 * `Ref` to a `CommaDelimitedList` (or `List<...>`) parameter is its list of values, split at
 * commas (an empty value is one empty member). `Fn::RefAll`, `Fn::ValueOf` and
 * `Fn::ValueOfAll` read AWS-specific parameter types from the account: not available locally.
 */
export function checkRules(template: Template, parameters: Record<string, string>, evaluateCondition: (name: string) => boolean): void {
  const foreign = foreignRuleFunctions(template);
  if (foreign.length > 0) {
    throw new TemplateError(`Rules may use rule functions only (${RULE_FUNCTIONS.join(', ')}): ${describeForeignFunctions(foreign)}`);
  }
  const types = Object.fromEntries(Object.entries(template.Parameters ?? {}).map(([name, parameter]) => [name, parameter.Type]));

  const value = (node: unknown): Value => {
    if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node);
    if (Array.isArray(node)) return node.map((item) => scalar(value(item)));
    const fn = intrinsicName(node);
    if (fn === 'Ref') {
      const name = String((node as { Ref: unknown }).Ref);
      const raw = parameters[name];
      if (raw === undefined) throw new TemplateError(`Rules: Ref ${name} names no parameter with a value`);
      return /^(CommaDelimitedList|List<)/.test(types[name] ?? '') ? raw.split(',').map((item) => item.trim()) : raw;
    }
    if (fn === 'Fn::If') {
      const [condition, whenTrue, whenFalse] = (node as { 'Fn::If': [string, unknown, unknown] })['Fn::If'];
      return value(evaluateCondition(condition) ? whenTrue : whenFalse);
    }
    throw new TemplateError(`Rules: ${fn ?? JSON.stringify(node)} is not supported locally as a value`);
  };
  const scalar = (item: Value): string => {
    if (Array.isArray(item)) throw new TemplateError(`Rules: a list where a string belongs (${JSON.stringify(item)})`);
    return item;
  };
  const list = (item: Value): string[] => (Array.isArray(item) ? item : [item]);

  const holds = (node: unknown): boolean => {
    const fn = intrinsicName(node);
    // biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where the reader reads it
    const argument = fn ? (node as Record<string, any>)[fn] : undefined;
    switch (fn) {
      case 'Fn::Equals':
        return scalar(value(argument[0])) === scalar(value(argument[1]));
      case 'Fn::Not':
        return !holds(argument[0]);
      case 'Fn::And':
        return (argument as unknown[]).every(holds);
      case 'Fn::Or':
        return (argument as unknown[]).some(holds);
      case 'Fn::If':
        return holds(evaluateCondition(argument[0]) ? argument[1] : argument[2]);
      case 'Fn::Contains':
        return list(value(argument[0])).includes(scalar(value(argument[1])));
      case 'Fn::EachMemberEquals': {
        const expected = scalar(value(argument[1]));
        return list(value(argument[0])).every((member) => member === expected);
      }
      case 'Fn::EachMemberIn': {
        const allowed = list(value(argument[1]));
        return list(value(argument[0])).every((member) => allowed.includes(member));
      }
      default:
        throw new TemplateError(`Rules: ${fn ?? JSON.stringify(node)} cannot be evaluated locally (it reads the account's resources)`);
    }
  };

  for (const [ruleName, rule] of Object.entries(template.Rules ?? {})) {
    if (rule.RuleCondition !== undefined && !holds(rule.RuleCondition)) continue;
    for (const assertion of rule.Assertions ?? []) {
      if (!holds(assertion.Assert)) throw new ParameterError(`rule ${ruleName}: ${assertion.AssertDescription ?? 'assertion failed'}`);
    }
  }
}
