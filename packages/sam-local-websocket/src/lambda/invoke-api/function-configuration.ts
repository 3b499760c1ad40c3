/**
 * Lambda's `GetFunction` and `ListFunctions` for the template's functions: each function's
 * configuration as Lambda reports it (name, ARN, runtime, handler, timeout, memory, its own
 * environment variables, `$LATEST`, Active). What exists only on AWS (the code's S3 location,
 * its SHA-256, the role) is given in AWS's shape with local values, and said so here.
 */
import type { FunctionSpec } from '../../template/template.js';

/** What a configuration is made of: the function's spec, ARN and environment. */
export interface ConfigurationSource {
  spec: FunctionSpec;
  arn: string;
  /** The function's environment: only the variables its template declares are reported. */
  environment: Readonly<Record<string, string>>;
  /** `arn:{partition}:iam::{account}:role/` */
  rolePrefix: string;
}

/** A function's `FunctionConfiguration`, as `GetFunction` and `ListFunctions` answer it. */
export function functionConfiguration(source: ConfigurationSource): Record<string, unknown> {
  const { spec } = source;
  const variables = Object.fromEntries(Object.keys(spec.environment).map((name) => [name, source.environment[name] ?? '']));
  return {
    FunctionName: spec.logicalId,
    FunctionArn: source.arn,
    Runtime: spec.runtime,
    Role: `${source.rolePrefix}${spec.logicalId}Role`,
    Handler: spec.handler,
    // Not measured locally: the bundle is built, not zipped.
    CodeSize: 0,
    Description: '',
    Timeout: spec.timeout,
    MemorySize: spec.memorySize,
    Version: '$LATEST',
    ...(Object.keys(variables).length > 0 ? { Environment: { Variables: variables } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${spec.logicalId}` },
  };
}

/** `GetFunction`'s answer: the configuration, and where the code is (the twin has no S3 location). */
export function getFunctionAnswer(source: ConfigurationSource): Record<string, unknown> {
  return { Configuration: functionConfiguration(source), Code: { RepositoryType: 'S3', Location: '' }, Tags: {} };
}

/** `ListFunctions`' answer: every function, in one page (`MaxItems` up to 50 per page, then `NextMarker`). */
export function listFunctionsAnswer(sources: ConfigurationSource[], marker: string | null, maxItems: number): Record<string, unknown> {
  const start = marker === null ? 0 : Math.max(0, Number.parseInt(marker, 10) || 0);
  const page = sources.slice(start, start + maxItems);
  const next = start + maxItems < sources.length ? String(start + maxItems) : undefined;
  return { Functions: page.map(functionConfiguration), ...(next ? { NextMarker: next } : {}) };
}
