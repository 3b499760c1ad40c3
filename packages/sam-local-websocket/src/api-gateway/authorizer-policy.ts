/**
 * How API Gateway judges a Lambda REQUEST authorizer's answer ("Output from an API Gateway
 * Lambda authorizer"): the policy is evaluated against the route's method ARN as IAM does
 * (`*` and `?` wildcards, an explicit Deny wins, no matching Allow is a Deny: 403); the
 * `context` must be a flat map of strings, numbers and booleans and reaches the routes
 * stringified; an answer that is not a policy answer, a nested `context` or a result over the
 * 8 KB quota is an authorizer configuration error (500).
 */
import { PolicyEvaluator } from '../iam/evaluate.js';

/** "AWS Lambda authorizer result size": 8 KB (API Gateway WebSocket quotas). */
export const AUTHORIZER_RESULT_MAX_BYTES = 8 * 1024;

/** The action a statement must cover to let a client reach the route. */
const INVOKE_ACTION = 'execute-api:Invoke';

/** Why an answer is refused (what the gateway's line says), with its status. */
export type AuthorizerVerdict = { status: 200; authorizer: Record<string, string | null> & { principalId: string } } | { status: 403 | 500; reason: string };

/** One statement as IAM's grammar writes it: a single value or a list for Action and Resource. */
interface Statement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string or a list of strings (IAM: "Action" and "Resource" take either); undefined otherwise. */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}

/**
 * The statements of a policy document, or why it is not one. `Statement` may be one object or a
 * list of them (IAM "Statement" element); a statement needs `Effect` Allow or Deny, `Action`
 * and `Resource`. What API Gateway answers a statement with `NotAction`/`NotResource` is not
 * documented: such a statement is refused here as a configuration error.
 */
function statementsOf(policyDocument: unknown): Statement[] | string {
  if (!isRecord(policyDocument)) return 'policyDocument is missing or not an object';
  const raw = policyDocument.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) return 'policyDocument has no Statement';
  const statements: Statement[] = [];
  for (const [index, statement] of list.entries()) {
    if (!isRecord(statement)) return `Statement ${index} is not an object`;
    const { Effect: effect } = statement;
    if (effect !== 'Allow' && effect !== 'Deny') return `Statement ${index}: Effect must be "Allow" or "Deny"`;
    const actions = stringList(statement.Action);
    const resources = stringList(statement.Resource);
    if (!actions) return `Statement ${index}: Action must be a string or a list of strings`;
    if (!resources) return `Statement ${index}: Resource must be a string or a list of strings`;
    statements.push({ effect, actions, resources });
  }
  return statements;
}

/**
 * The context as the routes' `requestContext.authorizer` carries it, or why it is refused:
 * numbers and booleans become strings, `null` stays `null`, undefined keys vanish (observed on
 * REST APIs; AWS documents that the values are "stringified" only for mapping templates).
 */
function contextOf(context: unknown): Record<string, string | null> | string {
  if (context === undefined || context === null) return {};
  if (!isRecord(context)) return 'context must be an object';
  const values: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    if (value === null) values[key] = null;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
    else return `context.${key} is ${Array.isArray(value) ? 'an array' : 'an object'}: values must be strings, numbers or booleans`;
  }
  return values;
}

/** Judges an authorizer's answer for `methodArn`, as API Gateway does. */
export function judgeAuthorizerAnswer(answer: unknown, methodArn: string, evaluator: PolicyEvaluator = new PolicyEvaluator()): AuthorizerVerdict {
  if (!isRecord(answer)) return { status: 500, reason: 'the authorizer did not answer with an object' };
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(answer));
  } catch {
    return { status: 500, reason: 'the answer cannot be serialized as JSON' };
  }
  if (size > AUTHORIZER_RESULT_MAX_BYTES) return { status: 500, reason: `the answer is ${size} bytes, over the ${AUTHORIZER_RESULT_MAX_BYTES}-byte quota` };
  const { principalId } = answer;
  if ((typeof principalId !== 'string' && typeof principalId !== 'number') || principalId === '') return { status: 500, reason: 'principalId is missing' };
  const statements = statementsOf(answer.policyDocument);
  if (typeof statements === 'string') return { status: 500, reason: statements };
  const context = contextOf(answer.context);
  if (typeof context === 'string') return { status: 500, reason: context };
  const decision = evaluator.evaluate(statements, INVOKE_ACTION, methodArn);
  if (decision === 'explicitDeny') return { status: 403, reason: `an explicit Deny covers ${methodArn}` };
  if (decision === 'implicitDeny') return { status: 403, reason: `no Allow covers ${methodArn}` };
  return { status: 200, authorizer: { ...context, principalId: String(principalId) } };
}
