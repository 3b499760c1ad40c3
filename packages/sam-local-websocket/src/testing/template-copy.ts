/**
 * Changed copies of a template for a project's tests: routes added or removed, written to a
 * temporary folder with every code path made absolute.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { yamlDump } from 'yaml-cfn';
import { loadTemplate, type Template } from '../template/template.js';

/**
 * Makes every function's paths absolute, so that a copy of the template written elsewhere still
 * finds them: its CodeUri, and the targets of its esbuild `Alias` that are paths (relative to the
 * function's folder, where esbuild runs).
 */
export function absoluteCodePaths(template: Template, baseDir: string): void {
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Serverless::Function' || typeof resource.Properties?.CodeUri !== 'string') continue;
    const codeDir = resolve(baseDir, resource.Properties.CodeUri);
    resource.Properties.CodeUri = codeDir;
    // A copy: functions may share one Metadata object (a YAML anchor).
    if (resource.Metadata?.BuildProperties)
      resource.Metadata = { ...resource.Metadata, BuildProperties: withAbsoluteAliases(resource.Metadata.BuildProperties, codeDir) };
  }
  const globals = template.Globals?.Function;
  if (typeof globals?.CodeUri === 'string') globals.CodeUri = resolve(baseDir, globals.CodeUri);
}

/** BuildProperties whose `Alias` targets that are paths (relative to `codeDir`, where esbuild runs) are made absolute. */
export function withAbsoluteAliases(properties: Record<string, unknown>, codeDir: string): Record<string, unknown> {
  if (!Array.isArray(properties.Alias)) return properties;
  return { ...properties, Alias: properties.Alias.map((item: string) => item.replace(/=(\.\.?\/.*)$/, (_, path: string) => `=${resolve(codeDir, path)}`)) };
}

/** Adds a route, its integration, function and (optionally) route response to a template. */
export function addRoute(
  template: Template,
  routeKey: string,
  handler: string,
  options: { codeUri: string; returnsBody?: boolean; timeout?: number; policies?: unknown[]; integrationTimeoutMs?: number },
): void {
  const name = routeKey.replace(/\W/g, '').replace(/^./, (c) => c.toUpperCase());
  template.Resources[`${name}Function`] = {
    Type: 'AWS::Serverless::Function',
    Properties: {
      CodeUri: options.codeUri,
      Handler: handler,
      ...(options.timeout ? { Timeout: options.timeout } : {}),
      ...(options.policies ? { Policies: options.policies } : {}),
    },
    Metadata: template.Resources.ConnectFunction.Metadata,
  };
  template.Resources[`${name}Integration`] = {
    Type: 'AWS::ApiGatewayV2::Integration',
    Properties: {
      ApiId: { Ref: 'WebSocketApi' },
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: {
        'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${name}Function.Arn}/invocations`,
      },
      ...(options.integrationTimeoutMs ? { TimeoutInMillis: options.integrationTimeoutMs } : {}),
    },
  };
  template.Resources[`${name}Route`] = {
    Type: 'AWS::ApiGatewayV2::Route',
    Properties: {
      ApiId: { Ref: 'WebSocketApi' },
      RouteKey: routeKey,
      Target: { 'Fn::Sub': `integrations/\${${name}Integration}` },
      ...(options.returnsBody ? { RouteResponseSelectionExpression: '$default' } : {}),
    },
  };
  if (options.returnsBody) {
    template.Resources[`${name}RouteResponse`] = {
      Type: 'AWS::ApiGatewayV2::RouteResponse',
      Properties: { ApiId: { Ref: 'WebSocketApi' }, RouteId: { Ref: `${name}Route` }, RouteResponseKey: '$default' },
    };
  }
}

/** Removes a route (and its function, log group, integration and permission) from a template. */
export function removeRoute(template: Template, prefix: string): void {
  for (const suffix of ['Function', 'LogGroup', 'Integration', 'Route', 'Permission']) delete template.Resources[`${prefix}${suffix}`];
  // A route of SAM's AWS::Serverless::WebSocketApi lives in its Routes.
  for (const resource of Object.values(template.Resources)) {
    const routes = resource.Type === 'AWS::Serverless::WebSocketApi' ? resource.Properties?.Routes : undefined;
    for (const [routeKey, route] of Object.entries(routes ?? {})) {
      if ((route as { FunctionArn?: { 'Fn::GetAtt'?: string[] } }).FunctionArn?.['Fn::GetAtt']?.[0] === `${prefix}Function`) delete routes[routeKey];
    }
  }
}

/**
 * Writes a changed copy of a template to a temporary folder, with every CodeUri (Globals' too, and
 * esbuild Alias paths) made absolute so the copy still finds the functions. `remove()` deletes the folder.
 */
export function templateCopy(templatePath: string, change: (template: Template) => void): { path: string; remove: () => void } {
  const { template, baseDir } = loadTemplate(templatePath);
  absoluteCodePaths(template, baseDir);
  change(template);
  const dir = mkdtempSync(join(tmpdir(), 'template-copy-'));
  const path = join(dir, 'template.yaml');
  writeFileSync(path, yamlDump(template));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
