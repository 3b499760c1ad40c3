import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { yamlDump } from 'yaml-cfn';
import { absoluteCodePaths } from '../../scripts/load/bench-template.js';
import { loadTemplate, type Template } from 'sam-local-websocket';

/** Adds a route, its integration, function and (optionally) route response to a template. */
export function addRoute(
  template: Template,
  routeKey: string,
  handler: string,
  options: { codeUri: string; returnsBody?: boolean; timeout?: number; policies?: unknown[] },
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
 * Writes a changed copy of template.yaml to a temporary folder, with every CodeUri (and esbuild
 * Alias path) made absolute so the copy still finds the functions. `remove()` deletes the folder.
 */
export function templateCopy(change: (template: Template) => void): { path: string; remove: () => void } {
  const { template, baseDir } = loadTemplate('template.yaml');
  absoluteCodePaths(template, baseDir);
  change(template);
  const dir = mkdtempSync(join(tmpdir(), 'template-copy-'));
  const path = join(dir, 'template.yaml');
  writeFileSync(path, yamlDump(template));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
