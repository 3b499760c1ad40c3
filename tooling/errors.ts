/**
 * The one base class of every error the local tooling (SAM reading, bundling) and the local
 * gateway raise: a stable `name`, a stable machine-readable `code`, and the `cause` kept.
 */
export class LocalError extends Error {
  override name: string = 'LocalError';
  /** Stable, machine-readable: tests and callers match on this, never on the message. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The template cannot be read or served locally (no Resources, no WebSocket API, a route without target...). */
export class TemplateError extends LocalError {
  override name = 'TemplateError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('template_invalid', message, options);
  }
}

/** A CloudFormation intrinsic or condition the local evaluator cannot resolve. */
export class UnsupportedIntrinsicError extends LocalError {
  override name = 'UnsupportedIntrinsicError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('unsupported_intrinsic', message, options);
  }
}

/** A template's `Conditions` could not be evaluated locally. */
export class ConditionError extends LocalError {
  override name = 'ConditionError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('condition_invalid', message, options);
  }
}

/** A function cannot be bundled as `sam build` would. */
export class BuildError extends LocalError {
  override name = 'BuildError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('build_failed', message, options);
  }
}

/** An option of the local gateway or its CLI is invalid. */
export class OptionError extends LocalError {
  override name = 'OptionError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('option_invalid', message, options);
  }
}
