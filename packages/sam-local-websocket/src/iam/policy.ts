/**
 * A function's identity-based policy as SAM would deploy it: its `Policies` inline statements
 * and the SAM policy templates in policy-templates.ts, with intrinsics resolved locally. What
 * cannot be read (an unknown policy template, a managed policy, an unresolved intrinsic) grants
 * nothing and is reported as a start-up warning.
 */
import { resolveIntrinsic, type LocalValues } from '../template/intrinsics.js';
import type { Template } from '../template/template.js';
import type { PolicyStatement } from './evaluate.js';
import { SAM_POLICY_TEMPLATES } from './policy-templates.js';

/** A function's statements, and what of its policy the gateway could not apply. */
export interface FunctionPolicy {
  statements: PolicyStatement[];
  warnings: string[];
}

/** The elements of a policy statement IAM knows (IAM JSON policy element reference). */
const STATEMENT_ELEMENTS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition'];
/** The elements of a policy document IAM knows. */
const DOCUMENT_ELEMENTS = ['Version', 'Id', 'Statement'];

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Reads one statement; throws with the reason it cannot be applied. */
function statementOf(raw: Record<string, unknown>, values: LocalValues): PolicyStatement {
  const effect = raw.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') throw new Error(`Effect ${JSON.stringify(effect)} is neither Allow nor Deny`);
  // IAM refuses a statement with an element it does not know (MalformedPolicyDocument: "Syntax errors
  // in policy."): so does the twin, rather than ignoring it (e.g. a misspelt "Actions").
  const unknown = Object.keys(raw).filter((key) => !STATEMENT_ELEMENTS.includes(key));
  if (unknown.length > 0) throw new Error(`${unknown.join(', ')} is no element of an IAM policy statement (IAM refuses it: MalformedPolicyDocument)`);
  const unsupported = ['NotAction', 'NotResource', 'Condition', 'Principal', 'NotPrincipal'].filter((key) => key in raw);
  if (unsupported.length > 0) throw new Error(`${unsupported.join(', ')} is not emulated locally`);
  const actions = list(raw.Action).map((action) => resolveIntrinsic(action, values));
  const resources = list(raw.Resource).map((resource) => resolveIntrinsic(resource, values));
  if (actions.length === 0 || resources.length === 0) throw new Error('it names no Action or no Resource');
  return { effect, actions, resources };
}

/** Statements of a policy document (`{ Statement: [...] }`), each read on its own. */
function documentStatements(document: { Statement?: unknown }, values: LocalValues, where: string, policy: FunctionPolicy): void {
  const unknown = Object.keys(document).filter((key) => !DOCUMENT_ELEMENTS.includes(key));
  if (unknown.length > 0) {
    policy.warnings.push(`${where} grants nothing locally: ${unknown.join(', ')} is no element of an IAM policy (IAM refuses it: MalformedPolicyDocument)`);
    return;
  }
  list(document.Statement).forEach((raw, index) => {
    try {
      policy.statements.push(statementOf(raw as Record<string, unknown>, values));
    } catch (error) {
      policy.warnings.push(`${where}, statement ${index + 1} grants nothing locally: ${(error as Error).message}`);
    }
  });
}

/** A SAM policy template with its parameters, e.g. `DynamoDBCrudPolicy: { TableName: !Ref Table }`. */
function templateStatements(name: string, parameters: unknown, values: LocalValues, where: string, policy: FunctionPolicy): void {
  const known = SAM_POLICY_TEMPLATES[name];
  if (!known) {
    policy.warnings.push(
      `${where}: policy template ${name} is not emulated locally and grants nothing (known: ${Object.keys(SAM_POLICY_TEMPLATES).join(', ')})`,
    );
    return;
  }
  const given = (parameters ?? {}) as Record<string, unknown>;
  const refs = { ...values.refs };
  for (const parameter of known.parameters) {
    if (!(parameter in given)) {
      policy.warnings.push(`${where}: ${name} needs ${parameter}; it grants nothing locally`);
      return;
    }
    try {
      refs[parameter] = resolveIntrinsic(given[parameter], values);
    } catch (error) {
      policy.warnings.push(`${where}: ${name}'s ${parameter} grants nothing locally: ${(error as Error).message}`);
      return;
    }
  }
  documentStatements(known.definition, { ...values, refs }, `${where} (${name})`, policy);
}

/** The policy a function's execution role gets from the template. */
export function functionPolicy(template: Template, logicalId: string, values: LocalValues): FunctionPolicy {
  const policy: FunctionPolicy = { statements: [], warnings: [] };
  const properties = template.Resources[logicalId]?.Properties ?? {};
  if (properties.Role !== undefined) {
    rolePolicy(template, logicalId, properties.Role, values, policy);
    return policy;
  }
  list(properties.Policies).forEach((item, index) => {
    const where = `${logicalId} Policies[${index}]`;
    if (typeof item === 'string' || (item && typeof item === 'object' && /^(Ref|Fn::)/.test(Object.keys(item)[0] ?? ''))) {
      policy.warnings.push(`${where}: managed policy ${JSON.stringify(item)} is not emulated locally and grants nothing`);
    } else if (item && typeof item === 'object' && 'Statement' in item) {
      documentStatements(item as { Statement: unknown }, values, where, policy);
    } else if (item && typeof item === 'object' && Object.keys(item).length === 1) {
      const [[name, parameters]] = Object.entries(item);
      templateStatements(name, parameters, values, where, policy);
    } else {
      policy.warnings.push(`${where}: ${JSON.stringify(item)} is not a policy the gateway can read; it grants nothing`);
    }
  });
  return policy;
}

/** The logical id of a template role a `Role` names (`!GetAtt R.Arn`, `!Ref R`, or the ARN it resolves to). */
function roleIdOf(template: Template, role: unknown, values: LocalValues): string | undefined {
  const getAtt = (role as { 'Fn::GetAtt'?: unknown } | null)?.['Fn::GetAtt'];
  const named = Array.isArray(getAtt) ? getAtt[0] : typeof getAtt === 'string' ? getAtt.split('.')[0] : (role as { Ref?: unknown } | null)?.Ref;
  if (typeof named === 'string' && template.Resources[named]?.Type === 'AWS::IAM::Role') return named;
  try {
    const name = /:role\/(?:.*\/)?([^/]+)$/.exec(resolveIntrinsic(role, values))?.[1];
    return name && template.Resources[name]?.Type === 'AWS::IAM::Role' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A function whose `Role` is an `AWS::IAM::Role` of the template gets that role's inline
 * `Policies` and the `AWS::IAM::Policy`/`AWS::IAM::ManagedPolicy` resources attached to it;
 * managed policy ARNs are not emulated (warned; `AWSLambdaBasicExecutionRole` grants only logs,
 * which the twin does not check). A role from outside the template grants nothing (warned).
 */
function rolePolicy(template: Template, logicalId: string, role: unknown, values: LocalValues, policy: FunctionPolicy): void {
  const roleId = roleIdOf(template, role, values);
  if (!roleId) {
    policy.warnings.push(`${logicalId}: Role is not an AWS::IAM::Role of this template; the function is granted nothing locally`);
    return;
  }
  const properties = template.Resources[roleId].Properties ?? {};
  list(properties.Policies).forEach((item, index) => {
    const document = (item as { PolicyDocument?: { Statement?: unknown } } | null)?.PolicyDocument;
    if (document) documentStatements(document, values, `${logicalId} Role ${roleId} Policies[${index}]`, policy);
  });
  for (const arn of list(properties.ManagedPolicyArns)) {
    const text = typeof arn === 'string' ? arn : JSON.stringify(arn);
    if (!/AWSLambdaBasicExecutionRole$/.test(text))
      policy.warnings.push(`${logicalId} Role ${roleId}: managed policy ${text} is not emulated locally and grants nothing`);
  }
  for (const [policyId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const attached = list(resource.Properties?.Roles).some((item) => (item as { Ref?: unknown } | null)?.Ref === roleId);
    if (attached) documentStatements(resource.Properties?.PolicyDocument ?? {}, values, `${logicalId} Role ${roleId} (${policyId})`, policy);
  }
}
