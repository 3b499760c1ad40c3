import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import { TemplateError } from '../errors.js';
import { functionSpecsOf } from './function-specs.js';
import type { LocalValues } from './intrinsics.js';
import type { LayerBuild } from './layers.js';

/** A CloudFormation resource as parsed: its type, properties and metadata. */
export interface Resource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where the reader reads it
  Properties?: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where the reader reads it
  Metadata?: Record<string, any>;
  DependsOn?: unknown;
  /** The name of a condition in `Conditions`; the resource exists only when it is true. */
  Condition?: string;
}

/** A parsed template: intrinsic tags come back in long form (`{ Ref }`, `{ 'Fn::Sub' }`). */
export interface Template {
  Parameters?: Record<string, { Type: string; Default?: unknown; NoEcho?: boolean; AllowedValues?: unknown[]; AllowedPattern?: string; Description?: string }>;
  /** Checks of the parameter values, run before anything deploys. */
  Rules?: Record<string, { RuleCondition?: unknown; Assertions: { Assert: unknown; AssertDescription?: string }[] }>;
  Conditions?: Record<string, unknown>;
  /** For `Fn::FindInMap`. */
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  // biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where the reader reads it
  Globals?: { Function?: Record<string, any> };
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
}

/** One Lambda function, with Globals merged in and its folder made absolute. */
export interface FunctionSpec {
  logicalId: string;
  /** Absolute path of `CodeUri` (of `Code`; with inline code, the template's folder). */
  codeDir: string;
  /** `InlineCode` (SAM) or `Code.ZipFile` (CloudFormation): written to `index.js`, CommonJS. */
  inlineCode?: string;
  /** `file.export`, e.g. `app.handler`. */
  handler: string;
  /** Seconds. */
  timeout: number;
  memorySize: number;
  /** `EphemeralStorage.Size`: the MB of /tmp each container has (512 by default). */
  ephemeralStorageMb?: number;
  /** Environment variables, intrinsics unresolved. */
  environment: Record<string, unknown>;
  buildMethod?: string;
  buildProperties: Record<string, unknown>;
  /** Lambda's `Runtime`, e.g. `nodejs24.x`. */
  runtime?: string;
  /** `ReservedConcurrentExecutions`, intrinsics unresolved. */
  reservedConcurrency?: unknown;
  /** SAM's `EventInvokeConfig` (retries and destinations of async invocations), intrinsics unresolved. */
  // biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where the reader reads it
  eventInvokeConfig?: Record<string, any>;
  /** Its layers' local folders, in the order Lambda extracts them to /opt (layers.ts). */
  layers?: string[];
  /** The layers it names that the twin cannot mount (published ARNs, S3 content). */
  externalLayers?: string[];
  /** Its layers with a `Metadata.BuildMethod`, built before it. */
  layerBuilds?: LayerBuild[];
}

/** A DynamoDB table declared in the template. */
export interface TableSpec {
  logicalId: string;
  /** Its `TableName`, or the logical id when it has none. */
  tableName: string;
  keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  /** Its indexes (name, keys, projection); throughput is dropped: the local store is on demand. */
  globalSecondaryIndexes?: TableIndex[];
  localSecondaryIndexes?: TableIndex[];
}

/** A secondary index as `CreateTable` takes it. */
export interface TableIndex {
  IndexName: string;
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  Projection: { ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
}

// biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where the reader reads it
const indexesOf = (key: 'globalSecondaryIndexes' | 'localSecondaryIndexes', indexes: any): Partial<TableSpec> =>
  Array.isArray(indexes) && indexes.length > 0
    ? { [key]: indexes.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection: Projection ?? { ProjectionType: 'ALL' } })) }
    : {};

/** Reads and parses a SAM/CloudFormation template, with its short-form tags. */
export function loadTemplate(path: string): { template: Template; baseDir: string } {
  const template = yamlParse(readFileSync(path, 'utf8')) as Template;
  if (!template?.Resources) throw new TemplateError(`${path} has no Resources`);
  return { template, baseDir: dirname(resolve(path)) };
}

/** The template's resources of one type, as [logicalId, resource] pairs. */
export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** Every Lambda function (`AWS::Serverless::Function` with Globals, `AWS::Lambda::Function`); see function-specs.ts. */
export function functionsOf(template: Template, baseDir: string, values?: LocalValues): FunctionSpec[] {
  return functionSpecsOf(template, baseDir, values);
}

/** The Node.js major version a Lambda runtime id names (`nodejs24.x` is 24), else undefined. */
export function nodeMajorOf(runtime: string | undefined): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Every DynamoDB table: `AWS::DynamoDB::Table` and `AWS::Serverless::SimpleTable`. */
export function tablesOf(template: Template): TableSpec[] {
  const tables = resourcesOfType(template, 'AWS::DynamoDB::Table').map(([logicalId, resource]) => ({
    logicalId,
    tableName: localTableName(logicalId, resource),
    keySchema: resource.Properties?.KeySchema ?? [],
    attributeDefinitions: resource.Properties?.AttributeDefinitions ?? [],
    ...indexesOf('globalSecondaryIndexes', resource.Properties?.GlobalSecondaryIndexes),
    ...indexesOf('localSecondaryIndexes', resource.Properties?.LocalSecondaryIndexes),
  }));
  const simpleTables = resourcesOfType(template, 'AWS::Serverless::SimpleTable').map(([logicalId, resource]) => {
    // SimpleTable's default primary key is a string named "id".
    const key = resource.Properties?.PrimaryKey ?? { Name: 'id', Type: 'String' };
    const typeCode = ({ String: 'S', Number: 'N', Binary: 'B' } as const)[key.Type as 'String'] ?? 'S';
    return {
      logicalId,
      tableName: localTableName(logicalId, resource),
      keySchema: [{ AttributeName: key.Name, KeyType: 'HASH' as const }],
      attributeDefinitions: [{ AttributeName: key.Name, AttributeType: typeCode }],
    };
  });
  return [...tables, ...simpleTables];
}

function localTableName(logicalId: string, resource: Resource): string {
  const name = resource.Properties?.TableName;
  return typeof name === 'string' ? name : logicalId;
}

/** The default of every parameter, overridden by `overrides`. */
export function parameterValues(template: Template, overrides: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    if (parameter.Default !== undefined) values[name] = String(parameter.Default);
  }
  return { ...values, ...overrides };
}

export { webSocketApiOf, type AuthorizerSpec, type RouteSpec, type WebSocketApiSpec } from './websocket-api.js';
