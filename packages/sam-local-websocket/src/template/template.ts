import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import { TemplateError } from '../errors.js';
import { type LayerBuild, layersOf } from './layers.js';
import { expandWebSocketApis } from './websocket-api.js';

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
  // biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where the reader reads it
  Globals?: { Function?: Record<string, any> };
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
}

/** One Lambda function, with Globals merged in and its folder made absolute. */
export interface FunctionSpec {
  logicalId: string;
  /** Absolute path of `CodeUri`. */
  codeDir: string;
  /** `file.export`, e.g. `app.handler`. */
  handler: string;
  /** Seconds. */
  timeout: number;
  memorySize: number;
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
}

/** Lambda's defaults for what neither a function nor Globals set. */
const LAMBDA_DEFAULTS = { Timeout: 3, MemorySize: 128 } as const;

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

/** Every `AWS::Serverless::Function`, with Globals applied the way SAM applies them. */
export function functionsOf(template: Template, baseDir: string): FunctionSpec[] {
  const globals = template.Globals?.Function ?? {};
  return resourcesOfType(template, 'AWS::Serverless::Function').map(([logicalId, resource]) => {
    const properties = { ...globals, ...resource.Properties };
    const environment = {
      ...globals.Environment?.Variables,
      ...resource.Properties?.Environment?.Variables,
    };
    if (typeof properties.CodeUri !== 'string') throw new TemplateError(`${logicalId} needs a local CodeUri`);
    if (typeof properties.Handler !== 'string') throw new TemplateError(`${logicalId} needs a Handler`);
    return {
      logicalId,
      codeDir: resolve(baseDir, properties.CodeUri),
      handler: properties.Handler,
      timeout: Number(properties.Timeout ?? LAMBDA_DEFAULTS.Timeout),
      memorySize: Number(properties.MemorySize ?? LAMBDA_DEFAULTS.MemorySize),
      environment,
      buildMethod: resource.Metadata?.BuildMethod,
      buildProperties: resource.Metadata?.BuildProperties ?? {},
      runtime: properties.Runtime,
      reservedConcurrency: properties.ReservedConcurrentExecutions,
      eventInvokeConfig: properties.EventInvokeConfig,
      ...layersOf(template, globals.Layers, resource.Properties?.Layers, baseDir, logicalId),
    };
  });
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

/** A route of the WebSocket API and what runs it. */
export interface RouteSpec {
  routeKey: string;
  logicalId: string;
  /** The function behind the route's AWS_PROXY integration. */
  functionId: string;
  /** True when a route response sends the handler's `body` back to the caller. */
  returnsBody: boolean;
  /** The REQUEST authorizer that guards the route (`$connect` only). */
  authorizer?: AuthorizerSpec;
}

/** A Lambda REQUEST authorizer. */
export interface AuthorizerSpec {
  logicalId: string;
  /** The function behind its `AuthorizerUri`. */
  functionId: string;
  /** e.g. `route.request.querystring.Auth`; a missing or empty one is refused with 401. */
  identitySources: string[];
}

/** The WebSocket API: how routes are chosen, and the routes. */
export interface WebSocketApiSpec {
  logicalId: string;
  routeSelectionExpression: string;
  routes: Map<string, RouteSpec>;
}

/** The logical ids a `!Sub` or `!Ref` names, e.g. `integrations/${X}` gives X. */
function referencedIds(value: unknown): string[] {
  if (value && typeof value === 'object' && 'Ref' in value) return [String((value as { Ref: string }).Ref)];
  // SAM's forms: `!GetAtt X.Arn`, `!Join ['/', [integrations, !Ref X]]`, `!Sub [..${FunctionArn}.., {FunctionArn: !GetAtt X.Arn}]`.
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })?.['Fn::GetAtt'];
  if (getAtt) return [String(Array.isArray(getAtt) ? getAtt[0] : String(getAtt).split('.')[0])];
  const join = (value as { 'Fn::Join'?: unknown })?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return join[1].flatMap(referencedIds);
  const text = (value as { 'Fn::Sub'?: unknown })?.['Fn::Sub'];
  if (Array.isArray(text) && text[1] && typeof text[1] === 'object')
    return [...Object.values(text[1]).flatMap(referencedIds), ...referencedIds({ 'Fn::Sub': text[0] })];
  const template = Array.isArray(text) ? text[0] : text;
  if (typeof template !== 'string') return [];
  return [...template.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)].map((match) => match[1]);
}

/** Reads the template's one WebSocket API with its routes, integrations and route responses. */
export function webSocketApiOf(given: Template): WebSocketApiSpec {
  // SAM's resource, when the caller did not expand it (readServedApi does, with the parameters).
  const template = expandWebSocketApis(given);
  const apis = resourcesOfType(template, 'AWS::ApiGatewayV2::Api').filter(([, api]) => api.Properties?.ProtocolType === 'WEBSOCKET');
  if (apis.length !== 1) throw new TemplateError(`the template must declare exactly one WebSocket API, found ${apis.length}`);
  const [apiId, api] = apis[0];
  const routesWithResponse = new Set(
    resourcesOfType(template, 'AWS::ApiGatewayV2::RouteResponse').flatMap(([, response]) => referencedIds(response.Properties?.RouteId)),
  );
  const routes = new Map<string, RouteSpec>();
  for (const [logicalId, route] of resourcesOfType(template, 'AWS::ApiGatewayV2::Route')) {
    if (!referencedIds(route.Properties?.ApiId).includes(apiId)) continue;
    const routeKey = String(route.Properties?.RouteKey);
    const [integrationId] = referencedIds(route.Properties?.Target);
    const integration = template.Resources[integrationId];
    if (integration?.Type !== 'AWS::ApiGatewayV2::Integration') {
      throw new TemplateError(`route ${routeKey} (${logicalId}) has no integration target`);
    }
    const functionId = referencedIds(integration.Properties?.IntegrationUri).find((id) => template.Resources[id]?.Type === 'AWS::Serverless::Function');
    if (!functionId) throw new TemplateError(`route ${routeKey}: integration ${integrationId} names no function of this template`);
    const authorizer =
      route.Properties?.AuthorizationType === 'CUSTOM' ? authorizerOf(template, referencedIds(route.Properties?.AuthorizerId)[0], routeKey) : undefined;
    routes.set(routeKey, {
      routeKey,
      logicalId,
      functionId,
      returnsBody: routesWithResponse.has(logicalId) && Boolean(route.Properties?.RouteResponseSelectionExpression),
      authorizer,
    });
  }
  return {
    logicalId: apiId,
    routeSelectionExpression: String(api.Properties?.RouteSelectionExpression ?? '$request.body.action'),
    routes,
  };
}

function authorizerOf(template: Template, logicalId: string | undefined, routeKey: string): AuthorizerSpec {
  const resource = logicalId ? template.Resources[logicalId] : undefined;
  if (resource?.Type !== 'AWS::ApiGatewayV2::Authorizer') {
    throw new TemplateError(`route ${routeKey} is CUSTOM-authorized but names no AWS::ApiGatewayV2::Authorizer`);
  }
  const functionId = referencedIds(resource.Properties?.AuthorizerUri).find((id) => template.Resources[id]?.Type === 'AWS::Serverless::Function');
  if (!functionId) throw new TemplateError(`authorizer ${logicalId} names no function of this template`);
  const sources = resource.Properties?.IdentitySource ?? [];
  return { logicalId: logicalId!, functionId, identitySources: Array.isArray(sources) ? sources : [sources] };
}
