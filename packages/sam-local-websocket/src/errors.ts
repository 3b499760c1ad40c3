/**
 * The one base class of every error the local tooling (SAM reading, bundling) and the local
 * gateway raise: a stable `name`, a stable machine-readable `code`, and the `cause` kept
 * (pass `{ cause }` on every re-throw).
 */
export class LocalError extends Error {
  override name: string = 'LocalError';
  /** Stable, machine-readable: callers and tests match on this, never on the message. */
  readonly code: string = 'local_error';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A subclass of {@link LocalError} with its own stable `name` and `code`. */
function localError<Name extends string, Code extends string>(name: Name, code: Code) {
  return class extends LocalError {
    override name: Name = name;
    override readonly code: Code = code;
  };
}

/** The template cannot be read or served locally (no Resources, no WebSocket API, a route without target...). */
export class TemplateError extends localError('TemplateError', 'template_invalid') {}
/** A CloudFormation intrinsic the local evaluator cannot resolve. */
export class UnsupportedIntrinsicError extends localError('UnsupportedIntrinsicError', 'unsupported_intrinsic') {}
/** A template's `Conditions` could not be evaluated locally. */
export class ConditionError extends localError('ConditionError', 'condition_invalid') {}
/** Parameter values CloudFormation would refuse: not in `AllowedValues`, or a failed `Rules` assertion. */
export class ParameterError extends localError('ParameterError', 'parameter_invalid') {}
/** A function cannot be bundled as `sam build` would. */
export class BuildError extends localError('BuildError', 'build_failed') {}
/** An option of the local gateway or its CLI is invalid. */
export class OptionError extends localError('OptionError', 'option_invalid') {}
/** A route names a function that is not running (it did not start, or the gateway is stopping). */
export class FunctionNotRunningError extends localError('FunctionNotRunningError', 'function_not_running') {}
/** `npm run invoke` found no running local gateway (or its store) where it looked. */
export class GatewayNotRunningError extends localError('GatewayNotRunningError', 'gateway_not_running') {}
/** `npm run invoke` was given a function the template does not declare (or its condition leaves out). */
export class UnknownFunctionError extends localError('UnknownFunctionError', 'unknown_function') {
  /** @param functions the template's functions, to choose from */
  constructor(
    message: string,
    readonly functions: string[],
  ) {
    super(message);
  }
}
/**
 * The template asks for what the twin does not run (a runtime, a resource type, an integration, a
 * reference it cannot resolve): one line naming the resource, the property and what is supported.
 */
export class TemplateRefusedError extends localError('TemplateRefusedError', 'template_refused') {}

/** The exit code of a command that refused its template (or parameters): as a usage error, 2. */
export const REFUSAL_EXIT_CODE = 2;

/** True for the errors that refuse a template or its parameters (exit {@link REFUSAL_EXIT_CODE}, one line, no stack). */
export function isRefusal(error: unknown): error is LocalError {
  return [TemplateRefusedError, TemplateError, UnsupportedIntrinsicError, ConditionError, ParameterError].some((kind) => error instanceof kind);
}
