import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { yamlDump } from 'yaml-cfn';
import { CHAT_APP_TEMPLATE, EXTRA_ROUTES_DIR } from './fixtures.js';
import { loadTemplate, type Template } from '../../src/template/template.js';

/** Adds a route, its integration, function and (optionally) route response to a template. */
export function addRoute(
  template: Template,
  routeKey: string,
  handler: string,
  options: { returnsBody?: boolean; timeout?: number; codeUri?: string; policies?: unknown[]; integrationTimeoutMs?: number } = {},
): void {
  const name = routeKey.replace(/\W/g, '').replace(/^./, (c) => c.toUpperCase());
  template.Resources[`${name}Function`] = {
    Type: 'AWS::Serverless::Function',
    Properties: {
      CodeUri: options.codeUri ?? EXTRA_ROUTES_DIR,
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
}

/**
 * Writes a changed copy of the test app's template to a temporary folder, with every CodeUri (Globals' too) made
 * absolute so the copy still finds the functions. `remove()` deletes the folder.
 */
export function templateCopy(change: (template: Template) => void): { path: string; remove: () => void } {
  const { template, baseDir } = loadTemplate(CHAT_APP_TEMPLATE);
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type === 'AWS::Serverless::Function' && typeof resource.Properties?.CodeUri === 'string') {
      resource.Properties.CodeUri = resolve(baseDir, resource.Properties.CodeUri);
    }
  }
  const globals = template.Globals?.Function;
  if (typeof globals?.CodeUri === 'string') globals.CodeUri = resolve(baseDir, globals.CodeUri);
  change(template);
  const dir = mkdtempSync(join(tmpdir(), 'template-copy-'));
  const path = join(dir, 'template.yaml');
  writeFileSync(path, yamlDump(template));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
