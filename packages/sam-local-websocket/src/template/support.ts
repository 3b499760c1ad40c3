/**
 * Which resource types the twin runs, which it accepts without running (they change nothing a
 * WebSocket API does locally, or only what the twin cannot reach), and the refusal of any other:
 * one line naming the resource, its type and what is supported. The support table of
 * docs/bring-your-own-template.md is this list.
 */
import { TemplateRefusedError } from '../errors.js';
import type { Template } from './template.js';

/** Run by the twin. */
export const EMULATED_TYPES = [
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::RouteResponse',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGatewayV2::Deployment',
  'AWS::Serverless::Function',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::DynamoDB::Table',
  'AWS::Serverless::SimpleTable',
  'AWS::IAM::Role',
  // Mounted under /opt for the functions that list them (template/layers.ts).
  'AWS::Serverless::LayerVersion',
  'AWS::Lambda::LayerVersion',
] as const;

/** Accepted, with nothing to run locally: identities, logs, alarms, names, versions. Patterns end in `*`. */
export const INERT_TYPES = [
  'AWS::IAM::*',
  'AWS::Logs::*',
  'AWS::CloudWatch::*',
  'AWS::Lambda::Version',
  'AWS::Lambda::Alias',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::ApiGatewayV2::IntegrationResponse',
  'AWS::ApiGatewayV2::Model',
  'AWS::ApiGatewayV2::DomainName',
  'AWS::ApiGatewayV2::ApiMapping',
  // A custom domain's DNS records (SAM's WebSocketApi Domain generates them): the twin serves on its own port.
  'AWS::Route53::RecordSetGroup',
  'AWS::Route53::RecordSet',
  'AWS::ApiGateway::Account',
  'AWS::SSM::Parameter',
  'AWS::KMS::*',
  'AWS::CDK::Metadata',
  // Destinations of asynchronous invocations (the Invoke API keeps their records) and their topics.
  'AWS::SNS::*',
  'AWS::SQS::*',
] as const;

/** Accepted with a warning: functions may name them (destinations, topics), but the twin does not run them. */
export const NOT_RUN_TYPES = ['AWS::Events::*', 'AWS::Scheduler::*', 'AWS::S3::Bucket'] as const;

const matches = (patterns: readonly string[], type: string) =>
  patterns.some((pattern) => (pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern));

/**
 * Refuses the first resource of a type the twin neither runs nor accepts, and a WebSocket-less
 * API type; returns one warning per resource it accepts without running.
 */
export function checkResourceTypes(template: Template): string[] {
  const warnings: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const type = String(resource.Type);
    if (type === 'AWS::ApiGatewayV2::Api' && resource.Properties?.ProtocolType !== 'WEBSOCKET') {
      throw new TemplateRefusedError(
        `${logicalId} (${type}) ProtocolType: ${String(resource.Properties?.ProtocolType)} is not served; the twin serves WEBSOCKET APIs`,
      );
    }
    if (matches(EMULATED_TYPES, type) || matches(INERT_TYPES, type)) continue;
    if (matches(NOT_RUN_TYPES, type)) {
      warnings.push(`${logicalId} (${type}) is accepted but not run by the twin: calls to it from the functions will not reach it`);
      continue;
    }
    throw new TemplateRefusedError(
      `${logicalId} (${type}) Type: not emulated by the twin; it runs API Gateway WebSocket APIs, Lambda functions and DynamoDB tables (see docs/bring-your-own-template.md)`,
    );
  }
  return warnings;
}
