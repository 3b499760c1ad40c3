/**
 * The expansion of AWS::Serverless::WebSocketApi without SAM's tools at hand: SAM's ids and
 * refusals (worded as SAM words them; test/integration/sam-translator.test.ts compares whole
 * expansions with SAM's own translator where the tools are present).
 */
import { expect } from 'chai';
import type { Template } from '../../../src/template/template.js';
import { webSocketApiOf } from '../../../src/template/template.js';
import { declaredStageName, expandWebSocketApis } from '../../../src/template/sam-websocket-api.js';

const fn = { Type: 'AWS::Serverless::Function', Properties: { CodeUri: 'src', Handler: 'app.handler' } };
function templateWith(properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Template {
  return { Resources: { Api: { Type: 'AWS::Serverless::WebSocketApi', Properties: properties }, Fn: fn, ...extra } } as Template;
}
const route = { FunctionArn: { 'Fn::GetAtt': ['Fn', 'Arn'] } };

describe('expandWebSocketApis', () => {
  it("gives SAM's ids: Python capitalize() on route keys, the default stage, the authorizer", () => {
    const expanded = expandWebSocketApis(
      templateWith({
        RouteSelectionExpression: '$request.body.action',
        Auth: { AuthType: 'CUSTOM', AuthArn: { 'Fn::GetAtt': ['Fn', 'Arn'] } },
        Routes: { $connect: route, sendMessage: route },
      }),
    );
    expect(Object.keys(expanded.Resources)).to.include.members([
      'Api',
      'ApiConnectRoute',
      'ApiConnectIntegration',
      'ApiConnectPermission',
      'ApiSendmessageRoute',
      'ApiDefaultStage',
      'ApiConnectAuthorizer',
      'ApiAuthorizerPermission',
    ]);
    expect(expanded.Resources.ApiDefaultStage.Properties).to.deep.include({ StageName: 'default', AutoDeploy: true });
    expect(declaredStageName(expanded, 'Api', {})).to.equal('default');
    const api = webSocketApiOf(expanded);
    expect(api.routes.get('$connect')?.authorizer).to.deep.include({ logicalId: 'ApiConnectAuthorizer', functionId: 'Fn' });
    expect(api.routes.get('sendMessage')?.functionId).to.equal('Fn');
  });

  it("resolves SAM's referable Api.Stage in the rest of the template as SAM does (GetAtt keeps SAM's one-element form)", () => {
    const template = templateWith(
      { RouteSelectionExpression: 'x', StageName: 'prod', Routes: { $default: route } },
      { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${Api}-${Api.Stage}' }, DisplayName: { Ref: 'Api.Stage' } } } },
    );
    template.Outputs = { Stage: { Value: { 'Fn::GetAtt': ['Api', 'Stage'] } } };
    const expanded = expandWebSocketApis(template);
    expect(expanded.Resources.Topic.Properties).to.deep.equal({ TopicName: { 'Fn::Sub': '${Api}-${ApiprodStage}' }, DisplayName: { Ref: 'ApiprodStage' } });
    expect(expanded.Outputs).to.deep.equal({ Stage: { Value: { 'Fn::GetAtt': ['ApiprodStage'] } } });
  });

  it("expands a custom Domain with SAM's hashed ids (aws-sam-translator 1.110 gives these for ws.example.com and Z123)", () => {
    const expanded = expandWebSocketApis(
      templateWith({
        RouteSelectionExpression: 'x',
        Domain: { DomainName: 'ws.example.com', CertificateArn: 'arn:cert', BasePath: ['v1', '/chat/'], Route53: { HostedZoneId: 'Z123' } },
        Routes: { $connect: route },
      }),
    );
    expect(expanded.Resources).to.include.keys('ApiGatewayDomainNameV2453c43f60a', 'Apiv1ApiMapping', 'ApichatApiMapping', 'RecordSetGroupdc5493edf0');
    expect(expanded.Resources.ApichatApiMapping.Properties).to.deep.include({ ApiMappingKey: 'chat', Stage: { Ref: 'ApiDefaultStage' } });
  });

  it('is read by webSocketApiOf without an explicit expansion', () => {
    expect(webSocketApiOf(templateWith({ RouteSelectionExpression: '$request.body.a', Routes: { $default: route } })).routes.has('$default')).to.equal(true);
  });

  it('resolves parameters in Routes and Auth, as SAM does', () => {
    const template = templateWith({ RouteSelectionExpression: 'x', Routes: { $default: { ...route, IntegrationTimeout: { Ref: 'Timeout' } } } });
    template.Parameters = { Timeout: { Type: 'Number', Default: 5000 } };
    expect(expandWebSocketApis(template).Resources.ApiDefaultIntegration.Properties?.TimeoutInMillis).to.equal(5000);
    expect(expandWebSocketApis(template, { Timeout: '9000' }).Resources.ApiDefaultIntegration.Properties?.TimeoutInMillis).to.equal('9000');
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['no route', { RouteSelectionExpression: 'x', Routes: {} }, /must have at least one route/],
    ['a key SAM cannot name', { RouteSelectionExpression: 'x', Routes: { 'send-message': route } }, /Route key 'send-message' must be alphanumeric/],
    ['a route without function', { RouteSelectionExpression: 'x', Routes: { $default: {} } }, /Route must have associated function/],
    [
      'Auth without $connect',
      { RouteSelectionExpression: 'x', Auth: { AuthType: 'NONE' }, Routes: { $default: route } },
      /only available if there is a \$connect route/,
    ],
    ['CUSTOM without AuthArn', { RouteSelectionExpression: 'x', Auth: { AuthType: 'CUSTOM' }, Routes: { $connect: route } }, /AuthArn must be specified/],
    [
      'an intrinsic AuthType',
      { RouteSelectionExpression: 'x', Auth: { AuthType: { 'Fn::If': ['C', 'CUSTOM', 'NONE'] } }, Routes: { $connect: route } },
      /AuthType must be a literal/,
    ],
    ['stage $default', { RouteSelectionExpression: 'x', StageName: '$default', Routes: { $default: route } }, /Stages cannot be named \$default/],
    ['an unknown property', { RouteSelectionExpression: 'x', Routes: { $default: route }, Bogus: 1 }, /property Bogus not defined/],
    [
      'request parameters off $connect',
      { RouteSelectionExpression: 'x', Routes: { $default: { ...route, RequestParameters: { a: {} } } } },
      /only supported for the \$connect route/,
    ],
  ];
  for (const [what, properties, message] of refusals) {
    it(`refuses ${what} in SAM's words`, () => {
      const error = (() => {
        try {
          expandWebSocketApis(templateWith(properties));
        } catch (caught) {
          return caught as Error;
        }
      })();
      expect(error?.message)
        .to.match(/^Resource with id \[Api\] is invalid\. /)
        .and.to.match(message);
    });
  }

  it('refuses a generated id the template already declares, and a Globals property SAM refuses', () => {
    const clash = templateWith({ RouteSelectionExpression: 'x', Routes: { $default: route } }, { ApiDefaultRoute: { Type: 'AWS::SNS::Topic' } });
    expect(() => expandWebSocketApis(clash)).to.throw(/A resource with that id already exists/);
    const globals = templateWith({ RouteSelectionExpression: 'x', Routes: { $default: route } });
    globals.Globals = { WebSocketApi: { StageName: 'x' } } as never;
    expect(() => expandWebSocketApis(globals)).to.throw(/'StageName' is not a supported property of 'WebSocketApi'/);
  });
});
