/**
 * The template's WebSocket API as API Gateway would deploy it: its route selection expression,
 * its stage, and each route with the function behind its integration, its route response and
 * its authorizer. Every property is read through the one evaluator, so a `Target` or an
 * `IntegrationUri` may be written with `Fn::Join`, `Fn::Sub` (either form), `Ref` or `Fn::GetAtt`.
 */
import { TemplateRefusedError, UnsupportedIntrinsicError } from '../errors.js';
import { integrationTimeoutMs } from './integration-timeout.js';
import { applyConditions, type LocalValues, pseudoParameters, resolveIntrinsic } from './intrinsics.js';
import { parameterValues, resourcesOfType, type Template } from './template.js';
import { expandWebSocketApis } from './sam-websocket-api.js';
import { functionNamed, templateValues } from './values.js';

/** A route of the WebSocket API and what runs it. */
export interface RouteSpec {
  routeKey: string;
  logicalId: string;
  /**
   * The function behind the route's AWS_PROXY integration: a logical id of the template, or
   * the ARN it names when the function is not in the template (it cannot run locally).
   */
  functionId: string;
  /** True when a route response sends the handler's `body` back to the caller. */
  returnsBody: boolean;
  /** The REQUEST authorizer that guards the route (`$connect` only). */
  authorizer?: AuthorizerSpec;
  /** How long API Gateway waits for the integration: its `TimeoutInMillis` (29 s by default). */
  integrationTimeoutMs: number;
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
  /** The `StageName` of the API's `AWS::ApiGatewayV2::Stage`, when it declares one. */
  stageName?: string;
  /** What the twin accepts but cannot do as AWS would (e.g. a route to a function outside the template). */
  warnings: string[];
}

/** The only integration type the twin runs: Lambda proxy. */
const PROXY = 'AWS_PROXY';

const refuse = (logicalId: string, type: string, property: string, message: string) =>
  new TemplateRefusedError(`${logicalId} (${type}) ${property}: ${message}`);

/** Resolves a property, turning an unresolvable one into a refusal that names the resource and property. */
function read(values: LocalValues, logicalId: string, type: string, property: string, value: unknown): string {
  try {
    return resolveIntrinsic(value, values);
  } catch (error) {
    if (error instanceof UnsupportedIntrinsicError) throw refuse(logicalId, type, property, error.message);
    throw error;
  }
}

/**
 * Reads the template's one WebSocket API (`values`: what its names stand for locally, by
 * default those of a template deployed in us-east-1 with an API id of `local`).
 */
export function webSocketApiOf(given: Template, values?: LocalValues): WebSocketApiSpec {
  // SAM's resource, when the caller did not expand it (readServedApi does, with the parameters).
  const declared = expandWebSocketApis(given);
  // Without values, a template still holding conditions is read as it deploys with its parameters' defaults.
  const conditional = !values && JSON.stringify(declared.Resources).includes('"Fn::If"');
  const template = conditional ? applyConditions(declared, { ...pseudoParameters('us-east-1'), ...parameterValues(declared) }) : declared;
  const apis = resourcesOfType(template, 'AWS::ApiGatewayV2::Api').filter(([, api]) => api.Properties?.ProtocolType === 'WEBSOCKET');
  if (apis.length !== 1) {
    throw new TemplateRefusedError(
      `the template must declare exactly one AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET (or AWS::Serverless::WebSocketApi), found ${apis.length}${apis.length ? `: ${apis.map(([id]) => id).join(', ')}` : ''}`,
    );
  }
  const [apiLogicalId, api] = apis[0];
  const local = values ?? templateValues(template, { region: 'us-east-1', apiId: 'local', parameters: parameterValues(declared) });
  const apiId = local.refs[apiLogicalId];
  const ofApi = (logicalId: string, type: string, properties: Record<string, unknown> | undefined) =>
    read(local, logicalId, type, 'ApiId', properties?.ApiId) === apiId;
  const warnings: string[] = [];

  const functionOf = (logicalId: string, type: string, property: string, uri: unknown, what: string): string => {
    const resolved = read(local, logicalId, type, property, uri);
    const functionId = functionNamed(template, local, resolved);
    if (functionId) return functionId;
    if (!/:lambda:|^arn:[^:]+:lambda:/.test(resolved)) {
      throw refuse(logicalId, type, property, `${resolved} is not a Lambda function; the twin runs Lambda proxy integrations`);
    }
    warnings.push(`${what} runs ${resolved}, which is not a function of this template: the twin cannot run it, so it answers as a failing integration`);
    return resolved;
  };

  const routesWithResponse = new Set(
    resourcesOfType(template, 'AWS::ApiGatewayV2::RouteResponse').map(([id, response]) =>
      read(local, id, response.Type, 'RouteId', response.Properties?.RouteId),
    ),
  );
  const routes = new Map<string, RouteSpec>();
  for (const [logicalId, route] of resourcesOfType(template, 'AWS::ApiGatewayV2::Route')) {
    const type = route.Type;
    if (!ofApi(logicalId, type, route.Properties)) continue;
    const routeKey = read(local, logicalId, type, 'RouteKey', route.Properties?.RouteKey);
    if (route.Properties?.Target === undefined)
      throw refuse(logicalId, type, 'Target', `route ${routeKey} has none; the twin runs routes with an integration (integrations/{IntegrationId})`);
    const target = read(local, logicalId, type, 'Target', route.Properties.Target);
    const integrationId = /^integrations\/(.+)$/.exec(target)?.[1];
    const integration = integrationId ? template.Resources[integrationId] : undefined;
    if (!integrationId || integration?.Type !== 'AWS::ApiGatewayV2::Integration') {
      throw refuse(logicalId, type, 'Target', `"${target}" names no AWS::ApiGatewayV2::Integration of this template (integrations/{IntegrationId})`);
    }
    const integrationType = read(local, integrationId, integration.Type, 'IntegrationType', integration.Properties?.IntegrationType);
    if (integrationType !== PROXY) {
      throw refuse(
        integrationId,
        integration.Type,
        'IntegrationType',
        `${integrationType} is not supported; the twin runs ${PROXY} (Lambda proxy) integrations`,
      );
    }
    const functionId = functionOf(integrationId, integration.Type, 'IntegrationUri', integration.Properties?.IntegrationUri, `route ${routeKey}`);
    const authorizationType =
      route.Properties?.AuthorizationType === undefined ? 'NONE' : read(local, logicalId, type, 'AuthorizationType', route.Properties.AuthorizationType);
    if (authorizationType === 'AWS_IAM') warnings.push(`route ${routeKey}: AuthorizationType AWS_IAM is not checked by the twin (clients connect unsigned)`);
    const authorizer = authorizationType === 'CUSTOM' ? authorizerOf(route.Properties?.AuthorizerId, logicalId, routeKey) : undefined;
    routes.set(routeKey, {
      routeKey,
      logicalId,
      functionId,
      returnsBody: routesWithResponse.has(logicalId) && Boolean(route.Properties?.RouteResponseSelectionExpression),
      authorizer,
      integrationTimeoutMs: integrationTimeoutMs(integration.Properties?.TimeoutInMillis, routeKey, local),
    });
  }

  function authorizerOf(reference: unknown, routeLogicalId: string, routeKey: string): AuthorizerSpec {
    const id = reference === undefined ? undefined : read(local, routeLogicalId, 'AWS::ApiGatewayV2::Route', 'AuthorizerId', reference);
    const resource = id ? template.Resources[id] : undefined;
    if (!id || resource?.Type !== 'AWS::ApiGatewayV2::Authorizer') {
      throw refuse(
        routeLogicalId,
        'AWS::ApiGatewayV2::Route',
        'AuthorizerId',
        `route ${routeKey} is CUSTOM-authorized but names no AWS::ApiGatewayV2::Authorizer`,
      );
    }
    const authorizerType = read(local, id, resource.Type, 'AuthorizerType', resource.Properties?.AuthorizerType);
    if (authorizerType !== 'REQUEST') throw refuse(id, resource.Type, 'AuthorizerType', `${authorizerType}: WebSocket APIs take REQUEST authorizers`);
    const functionId = functionOf(id, resource.Type, 'AuthorizerUri', resource.Properties?.AuthorizerUri, `authorizer ${id}`);
    const sources = resource.Properties?.IdentitySource ?? [];
    const list = (Array.isArray(sources) ? sources : [sources]).map((source: unknown) => read(local, id, resource.Type, 'IdentitySource', source));
    return { logicalId: id, functionId, identitySources: list };
  }

  const stage = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage').find(([id, resource]) => ofApi(id, resource.Type, resource.Properties));
  return {
    logicalId: apiLogicalId,
    routeSelectionExpression: read(
      local,
      apiLogicalId,
      api.Type,
      'RouteSelectionExpression',
      api.Properties?.RouteSelectionExpression ?? '$request.body.action',
    ),
    routes,
    stageName: stage ? read(local, stage[0], stage[1].Type, 'StageName', stage[1].Properties?.StageName) : undefined,
    warnings,
  };
}
