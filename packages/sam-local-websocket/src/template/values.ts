/**
 * What every resource of a template stands for locally: the value of `!Ref X` and of
 * `!GetAtt X.Attr` as CloudFormation would return them for the deployed stack (names, ids and
 * ARNs in the twin's region and account), so that one evaluator (intrinsics.ts) resolves any
 * property the twin reads: route targets, integration URIs, environment variables, policies.
 */
import { createHash } from 'node:crypto';
import { UnsupportedIntrinsicError } from '../errors.js';
import { LOCAL_ACCOUNT_ID, type LocalValues, pseudoParameters, resolveIntrinsic } from './intrinsics.js';
import type { Resource, Template } from './template.js';

/** What the values depend on beyond the template. */
export interface ValueScope {
  region: string;
  /** The WebSocket API's id (see {@link localApiId}). */
  apiId: string;
  /** Parameter values (defaults with overrides applied). */
  parameters: Record<string, string>;
  stackName?: string;
}

/**
 * The API id the twin gives a template's WebSocket API: 10 lowercase letters and digits, as
 * AWS's ids look (AWS documents no format; observed ids such as `c5jwxq709g`), derived from the
 * template's path and the API's logical id so that it stays the same across restarts.
 */
export function localApiId(templatePath: string, logicalId: string): string {
  const digest = createHash('sha256').update(`${templatePath}\0${logicalId}`).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(digest.subarray(0, 10), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** `{apiId}.execute-api.{region}.{dnsSuffix}`: the host of an API's endpoints on AWS. */
export function executeApiHost(apiId: string, region: string): string {
  return `${apiId}.execute-api.${region}.${pseudoParameters(region)['AWS::URLSuffix']}`;
}

const FUNCTION_TYPES = ['AWS::Serverless::Function', 'AWS::Lambda::Function'];
const TABLE_TYPES = ['AWS::DynamoDB::Table', 'AWS::Serverless::SimpleTable'];

/** A name property (`FunctionName`, `TableName`...) when it resolves from parameters alone, else the logical id. */
function nameOf(logicalId: string, resource: Resource, property: string, refs: Record<string, string>): string {
  const value = resource.Properties?.[property];
  if (value === undefined) return logicalId;
  try {
    return resolveIntrinsic(value, { refs, getAtt: () => logicalId });
  } catch {
    return logicalId;
  }
}

/** The local meaning of every name the template may use, CloudFormation's way. */
export function templateValues(template: Template, scope: ValueScope): LocalValues {
  const pseudo = pseudoParameters(scope.region, scope.stackName);
  const partition = pseudo['AWS::Partition'];
  const arn = (service: string, rest: string, region = scope.region) => `arn:${partition}:${service}:${region}:${LOCAL_ACCOUNT_ID}:${rest}`;
  const base = { ...scope.parameters, ...pseudo };
  const refs: Record<string, string> = { ...base };
  const names: Record<string, string> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const type = resource.Type;
    let ref = logicalId;
    if (type === 'AWS::ApiGatewayV2::Api') ref = scope.apiId;
    else if (FUNCTION_TYPES.includes(type)) ref = nameOf(logicalId, resource, 'FunctionName', base);
    else if (TABLE_TYPES.includes(type)) ref = nameOf(logicalId, resource, 'TableName', base);
    else if (type === 'AWS::ApiGatewayV2::Stage') ref = nameOf(logicalId, resource, 'StageName', base);
    else if (type === 'AWS::SNS::Topic') ref = arn('sns', logicalId);
    else if (type === 'AWS::SQS::Queue') ref = `https://sqs.${scope.region}.${pseudo['AWS::URLSuffix']}/${LOCAL_ACCOUNT_ID}/${logicalId}`;
    else if (type === 'AWS::Logs::LogGroup') ref = nameOf(logicalId, resource, 'LogGroupName', base);
    names[logicalId] = ref;
    refs[logicalId] = ref;
  }
  const attributes = (logicalId: string, type: string, name: string): Record<string, string> => {
    if (type === 'AWS::ApiGatewayV2::Api') {
      return { ApiId: scope.apiId, ApiEndpoint: `wss://${executeApiHost(scope.apiId, scope.region)}` };
    }
    if (FUNCTION_TYPES.includes(type)) return { Arn: arn('lambda', `function:${name}`) };
    if (TABLE_TYPES.includes(type)) {
      const tableArn = arn('dynamodb', `table/${name}`);
      return { Arn: tableArn, StreamArn: `${tableArn}/stream/1970-01-01T00:00:00.000` };
    }
    if (type === 'AWS::SQS::Queue') return { Arn: arn('sqs', logicalId), QueueName: logicalId, QueueUrl: names[logicalId] };
    if (type === 'AWS::SNS::Topic') return { TopicArn: names[logicalId], TopicName: logicalId };
    if (type === 'AWS::IAM::Role') return { Arn: `arn:${partition}:iam::${LOCAL_ACCOUNT_ID}:role/${logicalId}`, RoleId: logicalId };
    if (type === 'AWS::Logs::LogGroup') return { Arn: arn('logs', `log-group:${name}:*`) };
    if (type === 'AWS::ApiGatewayV2::Authorizer') return { AuthorizerId: logicalId };
    if (type === 'AWS::ApiGatewayV2::Integration') return { IntegrationId: logicalId };
    if (type === 'AWS::ApiGatewayV2::Route') return { RouteId: logicalId };
    return {};
  };
  return {
    refs,
    mappings: template.Mappings,
    getAtt: (logicalId, attribute) => {
      const resource = template.Resources[logicalId];
      if (!resource) throw new UnsupportedIntrinsicError(`!GetAtt ${logicalId}.${attribute}: the template has no resource ${logicalId}`);
      const value = attributes(logicalId, resource.Type, names[logicalId])[attribute];
      if (value === undefined) throw new UnsupportedIntrinsicError(`!GetAtt ${logicalId}.${attribute} (${resource.Type}) has no local value`);
      return value;
    },
  };
}

/** The function (logical id) an ARN, a name or an integration URI names, when it is one of the template's. */
export function functionNamed(template: Template, values: LocalValues, reference: string): string | undefined {
  // `arn:...:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations`, a function ARN, or a name.
  const match = /function:([^:/]+)/.exec(reference);
  const name = match ? match[1] : reference;
  return Object.entries(template.Resources).find(([logicalId, resource]) => FUNCTION_TYPES.includes(resource.Type) && values.refs[logicalId] === name)?.[0];
}
