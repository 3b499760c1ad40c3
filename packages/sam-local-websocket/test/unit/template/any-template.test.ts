/** The template reader's parts for templates as AWS writes them: evaluator, values, parameters, runtimes, types. */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParameterError, TemplateRefusedError, UnsupportedIntrinsicError } from '../../../src/errors.js';
import { resolveIntrinsic } from '../../../src/template/intrinsics.js';
import { arnParameterWarnings, parseParameterOverrides, requireParameterValues, samconfigParameters } from '../../../src/template/parameters.js';
import { runtimeWarning } from '../../../src/template/runtimes.js';
import { checkResourceTypes } from '../../../src/template/support.js';
import { functionsOf, webSocketApiOf, type Template } from '../../../src/template/template.js';
import { executeApiHost, localApiId, templateValues } from '../../../src/template/values.js';
import { stagePlainFunction } from '../../../src/lambda/plain-code.js';
import { takeParameterOverrides } from '../../../src/cli/flags.js';

const template: Template = {
  Mappings: { Stages: { dev: { Name: 'development', Zones: ['a', 'b'] } } },
  Resources: {
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'WEBSOCKET' } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'chat-fn', Handler: 'index.handler', Code: { ZipFile: 'x' } } },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { 'Fn::Sub': '${AWS::StackName}-connections' } } },
    Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { StageName: 'prod' } },
  },
};
const values = templateValues(template, { region: 'eu-north-1', apiId: 'abcde12345', parameters: { Env: 'dev' }, stackName: 'chat' });
const resolve = (value: unknown) => resolveIntrinsic(value, values);

describe('any template: the evaluator and what resources stand for', () => {
  it('resolves Ref and GetAtt of resources as CloudFormation returns them', () => {
    expect(resolve({ Ref: 'Api' })).to.equal('abcde12345');
    expect(resolve({ Ref: 'Fn' })).to.equal('chat-fn');
    expect(resolve({ 'Fn::GetAtt': 'Fn.Arn' })).to.equal('arn:aws:lambda:eu-north-1:000000000000:function:chat-fn');
    expect(resolve({ 'Fn::GetAtt': ['Table', 'Arn'] })).to.equal('arn:aws:dynamodb:eu-north-1:000000000000:table/chat-connections');
    expect(resolve({ Ref: 'Stage' })).to.equal('prod');
    expect(resolve({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] })).to.equal('wss://abcde12345.execute-api.eu-north-1.amazonaws.com');
  });

  it('resolves Sub (both forms), Join, Select over Split, FindInMap and Base64', () => {
    expect(resolve({ 'Fn::Sub': ['${A}-${Fn.Arn}', { A: { Ref: 'Env' } }] })).to.equal('dev-arn:aws:lambda:eu-north-1:000000000000:function:chat-fn');
    expect(resolve({ 'Fn::Join': ['/', ['integrations', { Ref: 'Api' }]] })).to.equal('integrations/abcde12345');
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': ['-', 'a-b-c'] }] })).to.equal('b');
    expect(resolve({ 'Fn::FindInMap': ['Stages', { Ref: 'Env' }, 'Name'] })).to.equal('development');
    expect(resolve({ 'Fn::Select': ['1', { 'Fn::FindInMap': ['Stages', 'dev', 'Zones'] }] })).to.equal('b');
    expect(resolve({ 'Fn::Base64': 'hi' })).to.equal('aGk=');
  });

  it('refuses cross-stack lookups and unknown attributes by name', () => {
    expect(() => resolve({ 'Fn::ImportValue': 'shared-table' })).to.throw(UnsupportedIntrinsicError, /Fn::ImportValue reads another stack/);
    expect(() => resolve({ 'Fn::GetAtt': ['Fn', 'SnapStartResponse'] })).to.throw(UnsupportedIntrinsicError, /Fn\.SnapStartResponse \(AWS::Lambda::Function\)/);
    expect(() => resolve({ 'Fn::Select': [5, ['a']] })).to.throw(UnsupportedIntrinsicError, /outside a list of 1/);
  });

  it('gives the API an AWS-shaped id, stable for a template, and its execute-api host', () => {
    const id = localApiId('/x/template.yaml', 'Api');
    expect(id)
      .to.match(/^[a-z0-9]{10}$/)
      .and.equal(localApiId('/x/template.yaml', 'Api'));
    expect(localApiId('/y/template.yaml', 'Api')).to.not.equal(id);
    expect(executeApiHost(id, 'cn-north-1')).to.equal(`${id}.execute-api.cn-north-1.amazonaws.com.cn`);
  });
});

describe('any template: parameters as sam deploy takes them', () => {
  it('reads both override forms, quoted values and several per string', () => {
    expect(parseParameterOverrides(['A=1 B="two words"', 'ParameterKey=C,ParameterValue=x=y'])).to.deep.equal({ A: '1', B: 'two words', C: 'x=y' });
    expect(() => parseParameterOverrides('novalue')).to.throw(ParameterError);
    expect(takeParameterOverrides(['--port', '0', '--parameter-overrides', 'A=1', 'B=2', '--no-watch'])).to.deep.equal({
      argv: ['--port', '0', '--no-watch'],
      overrides: ['A=1', 'B=2'],
    });
  });

  it("reads samconfig.toml's parameter_overrides (deploy over global), and refuses a parameter left without a value", () => {
    const dir = mkdtempSync(join(tmpdir(), 'samconfig-'));
    try {
      writeFileSync(
        join(dir, 'samconfig.toml'),
        'version = 0.1\n[default.global.parameters]\nparameter_overrides = "A=global B=global"\n[default.deploy.parameters]\nparameter_overrides = ["B=deploy", "C=3"]\n',
      );
      expect(samconfigParameters(dir)).to.deep.equal({ A: 'global', B: 'deploy', C: '3' });
      expect(samconfigParameters(join(dir, 'none'))).to.deep.equal({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const declared: Template = { Parameters: { Key: { Type: 'String' }, Arn: { Type: 'String' } }, Resources: {} };
    expect(() => requireParameterValues(declared, { Arn: 'x' })).to.throw(ParameterError, /^parameter Key has no Default and no value/);
    expect(arnParameterWarnings(declared, { Key: 'k', Arn: 'arn:aws:sqs:eu-north-1:1:q' }))
      .to.have.length(1)
      .and.match(/Arn is an ARN .*that sqs resource/);
  });
});

describe('any template: runtimes, resource types and functions', () => {
  it("warns of a deprecated Node.js runtime with AWS's dates, and not of a supported one", () => {
    const today = new Date('2026-12-04T00:00:00Z');
    expect(runtimeWarning('Fn', 'nodejs16.x', today)).to.match(
      /^Fn: nodejs16\.x is deprecated on AWS \(since 2024-06-12\); creating functions on it is blocked from 2027-02-01 and updating them from 2027-03-03/,
    );
    expect(runtimeWarning('Fn', 'nodejs12.x', today)).to.match(/blocked since 2023-03-31 and updating them since 2023-04-30/);
    expect(runtimeWarning('Fn', 'nodejs24.x', today)).to.equal(undefined);
  });

  it('refuses a resource type it does not emulate and an HTTP API, in one line each', () => {
    const refuse = (resources: Template['Resources']) => () => checkResourceTypes({ Resources: resources });
    expect(refuse({ Machine: { Type: 'AWS::StepFunctions::StateMachine' } })).to.throw(
      TemplateRefusedError,
      /^Machine \(AWS::StepFunctions::StateMachine\) Type: not emulated by the twin; it runs/,
    );
    expect(refuse({ Http: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } } })).to.throw(
      TemplateRefusedError,
      /ProtocolType: HTTP is not served/,
    );
    expect(checkResourceTypes({ Resources: { Rule: { Type: 'AWS::Events::Rule' }, Log: { Type: 'AWS::Logs::LogGroup' } } })).to.deep.equal([
      'Rule (AWS::Events::Rule) is accepted but not run by the twin: calls to it from the functions will not reach it',
    ]);
  });

  it('refuses a runtime, an image and code in S3, naming the property', () => {
    const fn = (Properties: Record<string, unknown>) => () => functionsOf({ Resources: { F: { Type: 'AWS::Serverless::Function', Properties } } }, '/base');
    expect(fn({ Runtime: 'java21', Handler: 'x', CodeUri: '.' })).to.throw(TemplateRefusedError, /^F \(AWS::Serverless::Function\) Runtime: java21 is not run/);
    expect(fn({ PackageType: 'Image' })).to.throw(TemplateRefusedError, /PackageType: Image/);
    expect(fn({ Runtime: 'nodejs24.x', Handler: 'x.h', CodeUri: { Bucket: 'b', Key: 'k' } })).to.throw(
      TemplateRefusedError,
      /CodeUri: .* is not a local folder/,
    );
  });

  it('stages plain code as its own task root: CommonJS .js stays CommonJS below a "type": "module" project', () => {
    const root = mkdtempSync(join(tmpdir(), 'plain-'));
    try {
      writeFileSync(join(root, 'package.json'), '{"type":"module"}');
      mkdirSync(join(root, 'code', 'src', 'handlers'), { recursive: true });
      writeFileSync(join(root, 'code', 'src', 'handlers', 'connect.js'), 'exports.handler = async () => 1;');
      const [spec] = functionsOf(
        {
          Resources: {
            F: { Type: 'AWS::Serverless::Function', Properties: { Runtime: 'nodejs24.x', Handler: 'src/handlers/connect.handler', CodeUri: 'code' } },
          },
        },
        root,
      );
      const built = stagePlainFunction(spec, root);
      expect(built.file).to.equal(join(root, '.build', 'F', 'src', 'handlers', 'connect.js'));
      expect(readFileSync(join(root, '.build', 'F', 'package.json'), 'utf8')).to.equal('{}\n');
      expect(() => stagePlainFunction({ ...spec, handler: 'src/missing.handler' }, root)).to.throw(
        TemplateRefusedError,
        /names no file src\/missing\.js, \.mjs or \.cjs/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('any template: the WebSocket API read through the evaluator', () => {
  const api = (routes: Template['Resources']): Template => ({
    Resources: {
      Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.type' } },
      Fn: { Type: 'AWS::Serverless::Function', Properties: { Handler: 'a.b', CodeUri: '.', Runtime: 'nodejs24.x' } },
      Integ: {
        Type: 'AWS::ApiGatewayV2::Integration',
        Properties: { ApiId: { Ref: 'Api' }, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': ['Fn', 'Arn'] } },
      },
      ...routes,
    },
  });
  const route = (properties: Record<string, unknown>) => ({
    Route: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'Api' }, RouteKey: 'send', ...properties } },
  });

  it('finds the function behind a GetAtt integration URI, and the expression and stage as written', () => {
    const read = webSocketApiOf(
      api({
        ...route({ Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'Integ' }]] }, AuthorizationType: 'AWS_IAM' }),
        Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: 'v2' } },
      }),
    );
    expect(read.routes.get('send')?.functionId).to.equal('Fn');
    expect([read.routeSelectionExpression, read.stageName]).to.deep.equal(['$request.body.type', 'v2']);
    expect(read.warnings).to.deep.equal(['route send: AuthorizationType AWS_IAM is not checked by the twin (clients connect unsigned)']);
  });

  it('accepts a route to a function outside the template with a warning, and refuses what it cannot run', () => {
    const external = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:elsewhere/invocations';
    const outside = api(route({ Target: 'integrations/Integ' }));
    outside.Resources.Integ.Properties!.IntegrationUri = external;
    const read = webSocketApiOf(outside);
    expect(read.routes.get('send')?.functionId).to.equal(external);
    expect(read.warnings[0]).to.match(/^route send runs arn:.*elsewhere.*which is not a function of this template/);

    expect(() => webSocketApiOf(api(route({})))).to.throw(TemplateRefusedError, /^Route \(AWS::ApiGatewayV2::Route\) Target: route send has none/);
    expect(() => webSocketApiOf(api(route({ Target: 'integrations/Nope' })))).to.throw(TemplateRefusedError, /Target: "integrations\/Nope" names no/);
    expect(() => webSocketApiOf(api(route({ Target: { 'Fn::ImportValue': 'x' } })))).to.throw(
      TemplateRefusedError,
      /^Route \(AWS::ApiGatewayV2::Route\) Target: Fn::ImportValue reads another stack/,
    );
    const http = api(route({ Target: 'integrations/Integ' }));
    http.Resources.Integ.Properties!.IntegrationType = 'HTTP_PROXY';
    expect(() => webSocketApiOf(http)).to.throw(
      TemplateRefusedError,
      /^Integ \(AWS::ApiGatewayV2::Integration\) IntegrationType: HTTP_PROXY is not supported; the twin runs AWS_PROXY/,
    );
    const authorized = api({
      ...route({ Target: 'integrations/Integ', AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: 'Auth' } }),
      Auth: { Type: 'AWS::ApiGatewayV2::Authorizer', Properties: { ApiId: { Ref: 'Api' }, AuthorizerType: 'JWT' } },
    });
    expect(() => webSocketApiOf(authorized)).to.throw(
      TemplateRefusedError,
      /^Auth \(AWS::ApiGatewayV2::Authorizer\) AuthorizerType: JWT: WebSocket APIs take REQUEST authorizers/,
    );
    expect(() => webSocketApiOf({ Resources: {} })).to.throw(TemplateRefusedError, /exactly one AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET/);
  });
});
