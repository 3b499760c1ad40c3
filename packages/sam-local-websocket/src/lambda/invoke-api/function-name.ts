/**
 * The `FunctionName` of a Lambda API call, read as Lambda reads it: a name, a partial ARN
 * (`{account}:function:{name}`) or a full ARN, each with an optional `:{qualifier}`, held to the
 * service model's pattern and length (`NamespacedFunctionName`: 1 to 170 characters). What is
 * refused gets Lambda's answer: `ValidationException` for a malformed name (so a path-traversing
 * `../x` is never a name), `AccessDeniedException` for another account's ARN, and
 * `ResourceNotFoundException` (Functions from R are not reachable in this region (S), R and S quoted) for
 * another region's (as real Lambda answers). A value echoed in a message is cut to
 * {@link MAX_ECHOED_CHARS}: a request never makes the answer as big as itself.
 */
import { INVOKE_ERRORS } from './constants.js';

/** The service model's pattern of `NamespacedFunctionName`, as Lambda quotes it in its error. */
export const FUNCTION_NAME_PATTERN = String.raw`(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`;
/** The longest `FunctionName` (a full ARN with a qualifier). */
export const MAX_FUNCTION_NAME_LENGTH = 170;
/** The longest part of a request a message repeats; longer is cut with `...`. */
export const MAX_ECHOED_CHARS = 256;

const NAME = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);

/** A refusal in Lambda's shape: its error type, HTTP status and message. */
export interface LambdaRefusal {
  type: string;
  status: number;
  message: string;
}

/** A function a call names: its name and qualifier, in this region and account. */
export interface FunctionRef {
  name: string;
  qualifier?: string;
}

/** `'value'`, as AWS quotes a value in a message. */
const quoted = (value: string): string => `'${value}'`;

/** `value`, cut to {@link MAX_ECHOED_CHARS} characters. */
export const echoed = (value: string): string => (value.length > MAX_ECHOED_CHARS ? `${value.slice(0, MAX_ECHOED_CHARS)}...` : value);

/** Lambda's message for a member that breaks its constraint. */
export const validationError = (value: string, member: string, constraint: string): LambdaRefusal => ({
  ...INVOKE_ERRORS.validation,
  message: `1 validation error detected: Value '${echoed(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
});

/**
 * Reads a decoded `FunctionName` and the `Qualifier` query parameter (null when absent) for a
 * twin in `scope`. A {@link LambdaRefusal} when Lambda would refuse it before looking the function up.
 */
export function readFunctionName(
  raw: string,
  qualifierParam: string | null,
  scope: { region: string; accountId: string; partition: string },
): FunctionRef | LambdaRefusal {
  if (raw.length < 1 || raw.length > MAX_FUNCTION_NAME_LENGTH) {
    return validationError(raw, 'functionName', `Member must have length less than or equal to ${MAX_FUNCTION_NAME_LENGTH}`);
  }
  const match = NAME.exec(raw);
  if (!match) return validationError(raw, 'functionName', `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`);
  const region = match[3]?.slice(0, -1);
  const account = match[5]?.slice(0, -1);
  const name = match[7];
  const inName = match[9];
  if (qualifierParam !== null && !/^[a-zA-Z0-9$_-]{1,128}$/.test(qualifierParam)) {
    return validationError(qualifierParam, 'qualifier', 'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)');
  }
  if (inName !== undefined && qualifierParam !== null && inName !== qualifierParam) {
    return { ...INVOKE_ERRORS.invalidParameter, message: 'The derived qualifier from the function name does not match the specified qualifier.' };
  }
  const arn = `arn:${scope.partition}:lambda:${region ?? scope.region}:${account ?? scope.accountId}:function:${name}`;
  if (account !== undefined && account !== scope.accountId) {
    return {
      ...INVOKE_ERRORS.notAllowed,
      message: `User is not authorized to perform: lambda:InvokeFunction on resource: ${arn} because no resource-based policy allows the lambda:InvokeFunction action`,
    };
  }
  if (region !== undefined && region !== scope.region) {
    return { ...INVOKE_ERRORS.notFound, message: `Functions from ${quoted(region)} are not reachable in this region (${quoted(scope.region)})` };
  }
  const qualifier = inName ?? qualifierParam ?? undefined;
  return qualifier === undefined ? { name } : { name, qualifier };
}
