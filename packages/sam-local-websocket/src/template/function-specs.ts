/**
 * The template's Lambda functions as the twin runs them: `AWS::Serverless::Function` (with
 * Globals, a `CodeUri` folder or `InlineCode`) and `AWS::Lambda::Function` (`Code.ZipFile`, or
 * `Code` as a local folder, as `sam build` and `aws cloudformation package` take it). What the
 * twin cannot run (another language, an image, code in S3) is refused in one line naming the
 * resource, the property and what is supported.
 */
import { resolve } from 'node:path';
import { TemplateRefusedError } from '../errors.js';
import { type LocalValues, resolveIntrinsic } from './intrinsics.js';
import { layersOf } from './layers.js';
import { resourcesOfType, type FunctionSpec, type Resource, type Template } from './template.js';

/** Lambda's defaults for what neither a function nor Globals set. */
const LAMBDA_DEFAULTS = { Timeout: 3, MemorySize: 128, EphemeralStorage: 512 } as const;

/** The file CloudFormation writes inline Node.js code to (`index.js`: CommonJS; inline ES modules are not supported). */
export const INLINE_FILE = 'index.js';

const refuse = (logicalId: string, type: string, property: string, message: string) =>
  new TemplateRefusedError(`${logicalId} (${type}) ${property}: ${message}`);

/** Refuses a runtime that is not Node.js: the twin runs every `nodejsN.x` on its own Node.js. */
function checkRuntime(logicalId: string, type: string, runtime: unknown, packageType: unknown): void {
  if (packageType === 'Image') throw refuse(logicalId, type, 'PackageType', 'Image is not run by the twin; it runs Zip functions on Node.js runtimes');
  if (runtime === undefined) return;
  if (typeof runtime !== 'string' || !/^nodejs(\d+\.x|\d+\.\d+(-edge)?)?$/.test(runtime)) {
    throw refuse(
      logicalId,
      type,
      'Runtime',
      `${String(runtime)} is not run by the twin; it runs Node.js runtimes (nodejs18.x to nodejs24.x, older ones with a warning)`,
    );
  }
}

/** A local folder (a string path), or a refusal for code in S3. */
function localFolder(logicalId: string, type: string, property: string, value: unknown, baseDir: string): string {
  if (typeof value === 'string' && !/^s3:\/\//.test(value)) return resolve(baseDir, value);
  throw refuse(
    logicalId,
    type,
    property,
    `${JSON.stringify(value)} is not a local folder; the twin runs code from a local path${type === 'AWS::Lambda::Function' ? ' or ZipFile' : ' or InlineCode'}`,
  );
}

/** Inline code as written, or through `Fn::Sub`/`Fn::Join` when the template's values are known. */
function inlineSource(logicalId: string, type: string, property: string, code: unknown, values?: LocalValues): string {
  if (typeof code === 'string') return code;
  if (values && code && typeof code === 'object') {
    try {
      return resolveIntrinsic(code, values);
    } catch (error) {
      throw refuse(logicalId, type, property, (error as Error).message);
    }
  }
  throw refuse(logicalId, type, property, 'must be a string of JavaScript');
}

// biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where the reader reads it
function commonSpec(logicalId: string, properties: Record<string, any>, resource: Resource) {
  return {
    logicalId,
    handler: properties.Handler,
    timeout: Number(properties.Timeout ?? LAMBDA_DEFAULTS.Timeout),
    memorySize: Number(properties.MemorySize ?? LAMBDA_DEFAULTS.MemorySize),
    ephemeralStorageMb: Number(properties.EphemeralStorage?.Size ?? LAMBDA_DEFAULTS.EphemeralStorage),
    buildMethod: resource.Metadata?.BuildMethod,
    buildProperties: resource.Metadata?.BuildProperties ?? {},
    runtime: properties.Runtime,
    reservedConcurrency: properties.ReservedConcurrentExecutions,
  };
}

function serverlessFunction(logicalId: string, resource: Resource, template: Template, baseDir: string, values?: LocalValues): FunctionSpec {
  const type = resource.Type;
  const globals = template.Globals?.Function ?? {};
  const properties = { ...globals, ...resource.Properties };
  checkRuntime(logicalId, type, properties.Runtime, properties.PackageType);
  if (typeof properties.Handler !== 'string') throw refuse(logicalId, type, 'Handler', 'missing; a Zip function needs one, e.g. app.handler');
  const environment = { ...globals.Environment?.Variables, ...resource.Properties?.Environment?.Variables };
  const inline = resource.Properties?.InlineCode;
  const common = { ...commonSpec(logicalId, properties, resource), ...layersOf(template, globals.Layers, resource.Properties?.Layers, baseDir, logicalId) };
  if (inline !== undefined) {
    const inlineCode = inlineSource(logicalId, type, 'InlineCode', inline, values);
    return { ...common, codeDir: baseDir, inlineCode, environment, eventInvokeConfig: properties.EventInvokeConfig };
  }
  if (properties.CodeUri === undefined) throw refuse(logicalId, type, 'CodeUri', 'missing; the twin runs a local CodeUri folder or InlineCode');
  return {
    ...common,
    codeDir: localFolder(logicalId, type, 'CodeUri', properties.CodeUri, baseDir),
    environment,
    eventInvokeConfig: properties.EventInvokeConfig,
  };
}

function lambdaFunction(logicalId: string, resource: Resource, template: Template, baseDir: string, values?: LocalValues): FunctionSpec {
  const type = resource.Type;
  const properties = resource.Properties ?? {};
  checkRuntime(logicalId, type, properties.Runtime, properties.PackageType);
  if (typeof properties.Handler !== 'string') throw refuse(logicalId, type, 'Handler', 'missing; a Zip function needs one, e.g. index.handler');
  const common = {
    ...commonSpec(logicalId, properties, resource),
    ...layersOf(template, undefined, properties.Layers, baseDir, logicalId),
    environment: { ...properties.Environment?.Variables },
  };
  const code = properties.Code;
  if (code && typeof code === 'object' && 'ZipFile' in code) {
    return { ...common, codeDir: baseDir, inlineCode: inlineSource(logicalId, type, 'Code.ZipFile', code.ZipFile, values) };
  }
  return { ...common, codeDir: localFolder(logicalId, type, 'Code', code, baseDir) };
}

/**
 * Every Lambda function of the template, as the twin runs it (Globals applied the way SAM applies
 * them); with `values`, inline code written with `Fn::Sub` or `Fn::Join` is resolved.
 */
export function functionSpecsOf(template: Template, baseDir: string, values?: LocalValues): FunctionSpec[] {
  return [
    ...resourcesOfType(template, 'AWS::Serverless::Function').map(([logicalId, resource]) =>
      serverlessFunction(logicalId, resource, template, baseDir, values),
    ),
    ...resourcesOfType(template, 'AWS::Lambda::Function').map(([logicalId, resource]) => lambdaFunction(logicalId, resource, template, baseDir, values)),
  ];
}
