/**
 * `AWS::Serverless::WebSocketApi`, expanded as SAM's transform expands it (aws-sam-translator 1.110,
 * `model/api/websocket_api_generator.py`): the template goes in, the same CloudFormation resources
 * with the same logical ids come out, and the rest of the twin reads them as it reads a
 * hand-written API. SAM's own wording is kept for what it refuses.
 *
 * `Domain` is expanded too (websocket-domain.ts), though the twin serves on its own port. Left out:
 * `<Api>.DomainName` references in other resources' properties.
 */
import { TemplateError } from '../errors.js';
import { defined, isIntrinsic, type Json, mergeGlobals, parameterInputs, replaceReferable, resolveParameterRefs } from './sam-transform.js';
import type { Resource, Template } from './template.js';
import { expandDomain } from './websocket-domain.js';

export const WEBSOCKET_API_TYPE = 'AWS::Serverless::WebSocketApi';
/** SAM's stage name when `StageName` is not given (not API Gateway's `$default`). */
export const SAM_DEFAULT_STAGE = 'default';
const CREATED_BY_TAG = 'websocketapi:createdBy';
const SPECIAL_ROUTES = ['$connect', '$disconnect', '$default'];
const AUTH_TYPES = ['NONE', 'AWS_IAM', 'CUSTOM'];

/** The properties SAM reads, and those `Globals.WebSocketApi` may set. */
const PROPERTIES = [
  'ApiKeySelectionExpression',
  'AccessLogSettings',
  'Auth',
  'DefaultRouteSettings',
  'Description',
  'DisableExecuteApiEndpoint',
  'Domain',
  'DisableSchemaValidation',
  'FailOnWarnings',
  'IpAddressType',
  'Name',
  'PropagateTags',
  'Routes',
  'RouteSettings',
  'RouteSelectionExpression',
  'StageName',
  'StageVariables',
  'Tags',
];
const GLOBAL_PROPERTIES = [
  'AccessLogSettings',
  'ApiKeySelectionExpression',
  'DefaultRouteSettings',
  'DisableExecuteApiEndpoint',
  'DisableSchemaValidation',
  'Domain',
  'FailOnWarnings',
  'IpAddressType',
  'PropagateTags',
  'RouteSelectionExpression',
  'RouteSettings',
  'StageVariables',
  'Tags',
];

/** Python's `str.isalnum()` for the route keys SAM accepts (letters and digits of any script). */
const isAlnum = (text: string): boolean => text.length > 0 && /^[\p{L}\p{N}]+$/u.test(text);
/** Python's `str.capitalize()`: first character upper-case, the rest lower-case. */
const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();

/** One `AWS::Serverless::WebSocketApi`, as the CloudFormation resources SAM generates for it, in SAM's order. */
export function expandWebSocketApi(logicalId: string, resource: Resource, template: Template, parameters: Record<string, unknown>): Record<string, Resource> {
  const invalid = (message: string) => new TemplateError(`Resource with id [${logicalId}] is invalid. ${message}`);
  const globals: Record<string, Json> = (template.Globals as Record<string, Json> | undefined)?.WebSocketApi ?? {};
  for (const key of Object.keys(globals)) {
    if (!GLOBAL_PROPERTIES.includes(key))
      throw new TemplateError(
        `'Globals' section is invalid. '${key}' is not a supported property of 'WebSocketApi'. Must be one of the following values - ${JSON.stringify(GLOBAL_PROPERTIES).replaceAll('"', "'").replaceAll(',', ', ')}`,
      );
  }
  const props: Record<string, Json> = mergeGlobals(globals, resource.Properties ?? {});
  for (const key of Object.keys(props)) {
    if (!PROPERTIES.includes(key)) throw invalid(`property ${key} not defined for resource of type ${WEBSOCKET_API_TYPE}`);
  }
  if (props.RouteSelectionExpression === undefined) throw invalid("Missing required property 'RouteSelectionExpression'.");
  if (props.Routes === undefined) throw invalid("Missing required property 'Routes'.");
  const auth: Record<string, Json> | undefined = resolveParameterRefs(props.Auth, parameters);
  const routes: Record<string, Record<string, Json>> = resolveParameterRefs(props.Routes, parameters) ?? {};
  // The custom domain is checked and expanded as SAM does (the twin itself serves on its own port).
  const domain: Record<string, Json> | undefined = resolveParameterRefs(props.Domain, parameters);
  if (domain?.MutualTlsAuthentication) throw invalid('Mutual TLS domain name association is not supported for Websocket APIs.');
  if (domain && (domain.DomainName == null || domain.CertificateArn == null))
    throw invalid('Custom Domains only works if both DomainName and CertificateArn are provided.');
  const stageName: Json = props.StageName ?? SAM_DEFAULT_STAGE;
  if (Object.keys(routes).length === 0) throw invalid('WebSocket API must have at least one route.');
  const ipAddressType = props.IpAddressType;
  if (ipAddressType !== undefined && !isIntrinsic(ipAddressType) && !['ipv4', 'dualstack'].includes(ipAddressType)) {
    throw invalid("IpAddressType must be 'ipv4' or 'dualstack'.");
  }
  if (auth && !('$connect' in routes)) throw invalid('Authorization is only available if there is a $connect route.');
  const tags = { ...props.Tags, [CREATED_BY_TAG]: 'SAM' };
  const out: Record<string, Resource> = {};
  out[logicalId] = {
    Type: 'AWS::ApiGatewayV2::Api',
    ...(resource.DependsOn === undefined ? {} : { DependsOn: resource.DependsOn }),
    Properties: defined({
      ApiKeySelectionExpression: props.ApiKeySelectionExpression,
      Description: props.Description,
      DisableExecuteApiEndpoint: props.DisableExecuteApiEndpoint,
      DisableSchemaValidation: props.DisableSchemaValidation,
      IpAddressType: ipAddressType,
      Name: props.Name ?? logicalId,
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: props.RouteSelectionExpression,
      Tags: tags,
    }),
  };
  if (stageName === '$default') throw invalid('Stages cannot be named $default for WebSocket APIs.');
  const apiRef = { Ref: logicalId };
  const stageId =
    typeof stageName !== 'string' ? `${logicalId}Stage` : stageName === SAM_DEFAULT_STAGE ? `${logicalId}DefaultStage` : `${logicalId}${stageName}Stage`;
  const routeIds: string[] = [];
  let authorizer: [string, Resource] | undefined;
  for (const [routeKey, spec] of Object.entries(routes)) {
    let part: string;
    if (SPECIAL_ROUTES.includes(routeKey)) part = capitalize(routeKey.slice(1));
    else if (isAlnum(routeKey)) part = capitalize(routeKey);
    else throw invalid(`Route key '${routeKey}' must be alphanumeric. Only $connect, $disconnect, and $default special routes are supported.`);
    const [routeId, integrationId, permissionId] = ['Route', 'Integration', 'Permission'].map((suffix) => `${logicalId}${part}${suffix}`);
    if (spec?.RequestParameters && routeKey !== '$connect') {
      throw invalid('Request parameters are only supported for the $connect route in WebSocket APIs.');
    }
    const route: Record<string, Json> = {
      ApiId: apiRef,
      ApiKeyRequired: spec?.ApiKeyRequired,
      ModelSelectionExpression: spec?.ModelSelectionExpression,
      OperationName: spec?.OperationName,
      RequestModels: spec?.RequestModels,
      RequestParameters: spec?.RequestParameters || undefined,
      RouteKey: routeKey,
      RouteResponseSelectionExpression: spec?.RouteResponseSelectionExpression,
      Target: { 'Fn::Join': ['/', ['integrations', { Ref: integrationId }]] },
    };
    if (auth) {
      authorizer = applyAuth(auth, routeKey, route, logicalId, invalid) ?? authorizer;
    }
    if (!spec || !('FunctionArn' in spec)) throw invalid('Route must have associated function.');
    // A later key with the same ids replaces the earlier one, silently, as in SAM.
    delete out[routeId];
    delete out[integrationId];
    delete out[permissionId];
    out[routeId] = { Type: 'AWS::ApiGatewayV2::Route', Properties: defined(route) };
    out[integrationId] = {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: defined({
        ApiId: apiRef,
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: {
          'Fn::Sub': [
            'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FunctionArn}/invocations',
            { FunctionArn: spec.FunctionArn },
          ],
        },
        TimeoutInMillis: spec.IntegrationTimeout,
      }),
    };
    const arnHead = `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${logicalId}.ApiId}/`;
    out[permissionId] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: spec.FunctionArn,
        Principal: 'apigateway.amazonaws.com',
        SourceArn:
          typeof stageName === 'string'
            ? { 'Fn::Sub': `${arnHead}${stageName}/${routeKey}` }
            : { 'Fn::Sub': [`${arnHead}\${__StageName__}/${routeKey}`, { __StageName__: stageName }] },
      },
    };
    routeIds.push(routeId);
  }
  if (domain) Object.assign(out, expandDomain(logicalId, stageId, domain, invalid));
  out[stageId] = {
    Type: 'AWS::ApiGatewayV2::Stage',
    ...(props.RouteSettings ? { DependsOn: routeIds } : {}),
    Properties: defined({
      AccessLogSettings: props.AccessLogSettings,
      ApiId: apiRef,
      AutoDeploy: true,
      DefaultRouteSettings: props.DefaultRouteSettings,
      RouteSettings: props.RouteSettings,
      StageName: stageName,
      StageVariables: props.StageVariables,
      // PropagateTags gives the stage the API's tags (SAM's own tag included).
      Tags: props.PropagateTags === true && props.Tags ? tags : { [CREATED_BY_TAG]: 'SAM' },
    }),
  };
  if (authorizer) {
    out[authorizer[0]] = authorizer[1];
    if (!auth?.InvokeRole && auth?.AuthArn) {
      out[`${logicalId}AuthorizerPermission`] = {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: auth.AuthArn,
          Principal: 'apigateway.amazonaws.com',
          SourceArn: {
            'Fn::Sub': ['arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*', { __ApiId__: apiRef }],
          },
        },
      };
    }
  }
  return out;
}

/** SAM's `Auth` on one route: only `$connect` gets an authorization type; CUSTOM gives the REQUEST authorizer. */
function applyAuth(
  auth: Record<string, Json>,
  routeKey: string,
  route: Record<string, Json>,
  apiId: string,
  invalid: (message: string) => TemplateError,
): [string, Resource] | undefined {
  const type = auth.AuthType;
  // SAM's transform crashes on an intrinsic here (it calls .upper() on it): say so instead.
  if (type && typeof type !== 'string') throw invalid('AuthType must be a literal string (SAM resolves only a !Ref to a parameter here).');
  if (!type) throw invalid('AuthType must be specified for additional auth configurations.');
  const upper = String(type).toUpperCase();
  if (!AUTH_TYPES.includes(upper)) throw invalid('AuthType is not one of AWS_IAM, CUSTOM or NONE.');
  if (upper === 'CUSTOM' && !auth.AuthArn) throw invalid('AuthArn must be specified if AuthType is CUSTOM.');
  if (upper !== 'CUSTOM' && Object.keys(auth).length > 1) throw invalid(`No additional configurations supported for AuthType ${upper}.`);
  if (routeKey !== '$connect') return undefined;
  // SAM validates case-insensitively but acts on the exact spelling only: `custom` gives NONE.
  if (type === 'CUSTOM') {
    const authorizerId = `${apiId}ConnectAuthorizer`;
    route.AuthorizationType = 'CUSTOM';
    route.AuthorizerId = { Ref: authorizerId };
    const properties = defined({
      ApiId: { Ref: apiId },
      AuthorizerCredentialsArn: auth.InvokeRole,
      AuthorizerType: 'REQUEST',
      AuthorizerUri: {
        'Fn::Sub': ['arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthArn}/invocations', { AuthArn: auth.AuthArn }],
      },
      IdentitySource: auth.IdentitySource,
      Name: auth.Name || authorizerId,
    });
    return [authorizerId, { Type: 'AWS::ApiGatewayV2::Authorizer', Properties: properties }];
  }
  route.AuthorizationType = type === 'AWS_IAM' ? 'AWS_IAM' : 'NONE';
  return undefined;
}

/**
 * The template with every `AWS::Serverless::WebSocketApi` replaced by what SAM generates for it
 * (in place of the SAM resource, so the order is SAM's). A generated id that the template already
 * declares is refused, as SAM refuses it. `parameters` are the values the transform would see.
 */
export function expandWebSocketApis(template: Template, overrides: Record<string, string> = {}): Template {
  const apis = Object.entries(template.Resources).filter(([, resource]) => resource?.Type === WEBSOCKET_API_TYPE);
  if (apis.length === 0) return template;
  const parameters = parameterInputs(template, overrides);
  const resources: Record<string, Resource> = {};
  /** `Api.Stage` to the id of the stage SAM generated for it. */
  const referable = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource?.Type !== WEBSOCKET_API_TYPE) {
      resources[logicalId] = resource;
      continue;
    }
    // SAM drops a Condition on the resource (and on everything it generates): all of it is created.
    for (const [id, generated] of Object.entries(expandWebSocketApi(logicalId, resource, template, parameters))) {
      if (id !== logicalId && id in template.Resources) {
        throw new TemplateError(
          `Transforming resource with id [${logicalId}] attempts to create a new resource with id [${id}] and type "${generated.Type}". A resource with that id already exists within this template. Please use a different id for that resource.`,
        );
      }
      resources[id] = generated;
      if (generated.Type === 'AWS::ApiGatewayV2::Stage') referable.set(`${logicalId}.Stage`, id);
    }
  }
  // What the template wrote refers to the generated stage; what SAM generated is left as it is.
  for (const [id, resource] of Object.entries(resources)) {
    if (id in template.Resources && template.Resources[id].Type !== WEBSOCKET_API_TYPE) resources[id] = replaceReferable(resource, referable);
  }
  return { ...template, Resources: resources, ...(template.Outputs ? { Outputs: replaceReferable(template.Outputs, referable) } : {}) };
}

/** The `StageName` of the API's stage as it deploys (a literal, or a `!Ref` to a parameter), if the template declares one. */
export function declaredStageName(template: Template, apiId: string, parameters: Record<string, string>): string | undefined {
  for (const resource of Object.values(template.Resources)) {
    if (resource?.Type !== 'AWS::ApiGatewayV2::Stage' || resource.Properties?.ApiId?.Ref !== apiId) continue;
    const name = resource.Properties?.StageName;
    if (typeof name === 'string') return name;
    if (typeof name?.Ref === 'string' && name.Ref in parameters) return parameters[name.Ref];
  }
  return undefined;
}
