/**
 * template.yaml as the twin's evaluator deploys it: what each choice of parameters deploys,
 * written out. (tests/unit/template.test.ts checks the template's own text, without the evaluator.)
 */
import { expect } from 'chai';
import {
  applyConditions,
  checkParameters,
  expandWebSocketApis,
  functionsOf,
  loadTemplate,
  ParameterError,
  parameterValues,
  pseudoParameters,
  tablesOf,
  type Template,
  webSocketApiOf,
} from 'sam-local-websocket';

describe('template.yaml as the evaluator deploys it', () => {
  const { template } = loadTemplate('template.yaml');

  describe('the $connect authorizer', () => {
    const withToken = applyConditions(template, parameterValues(template, { AuthToken: 'a-token' }));
    const open = applyConditions(template, parameterValues(template));

    it('guards $connect only when a token is configured', () => {
      expect(webSocketApiOf(open).routes.get('$connect')?.authorizer).to.equal(undefined);
      expect(open.Resources.ConnectRoute.Properties).to.not.have.property('AuthorizerId');
      expect(open.Resources.ConnectRoute.Properties?.AuthorizationType).to.equal('NONE');
      expect(open.Resources).to.not.have.any.keys('AuthorizerFunction', 'ConnectAuthorizer', 'AuthorizerPermission');

      const guarded = webSocketApiOf(withToken).routes.get('$connect');
      expect(withToken.Resources.ConnectRoute.Properties?.AuthorizationType).to.equal('CUSTOM');
      expect(guarded?.authorizer).to.deep.equal({
        logicalId: 'ConnectAuthorizer',
        functionId: 'AuthorizerFunction',
        identitySources: ['route.request.querystring.Auth'],
      });
      for (const [routeKey, route] of webSocketApiOf(withToken).routes) {
        if (routeKey !== '$connect') expect(route.authorizer, routeKey).to.equal(undefined);
      }
    });

    it('is a REQUEST authorizer whose invoke permission is scoped to this API’s authorizers', () => {
      expect(withToken.Resources.ConnectAuthorizer.Properties).to.include({ AuthorizerType: 'REQUEST' });
      const permission = withToken.Resources.AuthorizerPermission.Properties!;
      expect(permission.FunctionName).to.deep.equal({ Ref: 'AuthorizerFunction' });
      expect(permission.SourceArn['Fn::Sub']).to.equal(
        'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/authorizers/${ConnectAuthorizer}',
      );
    });

    it('gets the token from the parameter, never from a value in the template', () => {
      expect(withToken.Resources.AuthorizerFunction.Properties?.Environment.Variables.AUTH_TOKEN).to.deep.equal({ Ref: 'AuthToken' });
    });
  });

  describe("what SAM generates for AWS::Serverless::WebSocketApi (the twin's expansion, compared with SAM's translator in the twin's tests)", () => {
    const generated = expandWebSocketApis(template).Resources;
    const ROUTES: [string, string, string][] = [
      ['$disconnect', 'Disconnect', 'DisconnectFunction'],
      ['$default', 'Default', 'DefaultFunction'],
      ['broadcast', 'Broadcast', 'BroadcastFunction'],
    ];
    for (const [routeKey, part, functionId] of ROUTES) {
      it(`${routeKey}: an AWS_PROXY integration to ${functionId}, invocable only for this route on this stage`, () => {
        expect(generated[`WebSocketApi${part}Route`].Properties).to.deep.include({ RouteKey: routeKey, ApiId: { Ref: 'WebSocketApi' } });
        expect(generated[`WebSocketApi${part}Integration`].Properties).to.deep.include({ IntegrationType: 'AWS_PROXY' });
        expect(generated[`WebSocketApi${part}Integration`].Properties?.IntegrationUri['Fn::Sub'][1]).to.deep.equal({
          FunctionArn: { 'Fn::GetAtt': [functionId, 'Arn'] },
        });
        expect(generated[`WebSocketApi${part}Permission`].Properties).to.deep.equal({
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
          Principal: 'apigateway.amazonaws.com',
          SourceArn: {
            'Fn::Sub': [
              `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${WebSocketApi.ApiId}/\${__StageName__}/${routeKey}`,
              { __StageName__: { Ref: 'StageName' } },
            ],
          },
        });
      });
    }

    it('auto-deploys the stage, named and throttled by parameters', () => {
      expect(generated.WebSocketApiStage.Properties).to.deep.include({
        AutoDeploy: true,
        StageName: { Ref: 'StageName' },
        DefaultRouteSettings: { ThrottlingBurstLimit: { Ref: 'ThrottlingBurstLimit' }, ThrottlingRateLimit: { Ref: 'ThrottlingRateLimit' } },
      });
      expect(generated.WebSocketApi).to.deep.include({ Type: 'AWS::ApiGatewayV2::Api' });
      expect(generated.WebSocketApi.Properties).to.deep.include({ ProtocolType: 'WEBSOCKET', Name: { 'Fn::Sub': '${AWS::StackName}-websocket' } });
    });
  });

  it('notifies an email address through SNS only when AlarmEmail is set', () => {
    const withEmail = applyConditions(template, parameterValues(template, { AlarmEmail: 'ops@example.com' }));
    const withoutEmail = applyConditions(template, parameterValues(template));
    expect(withoutEmail.Resources).to.not.have.any.keys('AlarmTopic', 'AlarmEmailSubscription');
    expect(withoutEmail.Resources.BroadcastFailureAlarm.Properties).to.not.have.any.keys('AlarmActions', 'OKActions');
    expect(withEmail.Resources.AlarmTopic.Type).to.equal('AWS::SNS::Topic');
    expect(withEmail.Resources.AlarmEmailSubscription.Properties).to.deep.equal({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'email',
      Endpoint: { Ref: 'AlarmEmail' },
    });
    expect(withEmail.Resources.BroadcastFailureAlarm.Properties?.AlarmActions).to.deep.equal([{ Ref: 'AlarmTopic' }]);
  });

  describe('AuthMode', () => {
    const ISSUER = 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_Abc123';
    const served = (overrides: Record<string, string>) => {
      const values = parameterValues(template, overrides);
      checkParameters(template, values);
      return applyConditions(template, { ...pseudoParameters('eu-north-1'), ...values });
    };
    const modes: [string, Record<string, string>, { authorized: boolean; environment?: Record<string, unknown> }][] = [
      ['auto, no token (the default): open', {}, { authorized: false }],
      [
        'auto with a token: token mode, as before AuthMode existed',
        { AuthToken: 't' },
        { authorized: true, environment: { AUTH_MODE: 'token', AUTH_TOKEN: { Ref: 'AuthToken' } } },
      ],
      ['none: open', { AuthMode: 'none' }, { authorized: false }],
      // sam deploy --guided cannot leave AuthToken empty: an explicit mode ignores it.
      ['none ignores an AuthToken', { AuthMode: 'none', AuthToken: 't' }, { authorized: false }],
      ['token', { AuthMode: 'token', AuthToken: 't' }, { authorized: true, environment: { AUTH_MODE: 'token', AUTH_TOKEN: { Ref: 'AuthToken' } } }],
      [
        'jwt',
        { AuthMode: 'jwt', JwtIssuer: ISSUER, JwtAudience: 'app-1,app-2', AuthToken: 'ignored' },
        {
          authorized: true,
          environment: {
            AUTH_MODE: 'jwt',
            JWT_ISSUER: { Ref: 'JwtIssuer' },
            JWT_AUDIENCE: { 'Fn::Join': [',', { Ref: 'JwtAudience' }] },
            JWT_REQUIRED_SCOPE: { Ref: 'JwtRequiredScope' },
            JWT_TOKEN_USE: { Ref: 'JwtTokenUse' },
          },
        },
      ],
    ];
    for (const [what, overrides, expected] of modes) {
      it(`${what}`, () => {
        const deployed = served(overrides);
        expect(deployed.Resources.ConnectRoute.Properties?.AuthorizationType).to.equal(expected.authorized ? 'CUSTOM' : 'NONE');
        expect(Boolean(webSocketApiOf(deployed).routes.get('$connect')?.authorizer)).to.equal(expected.authorized);
        if (!expected.authorized) return expect(deployed.Resources).to.not.have.any.keys('AuthorizerFunction', 'ConnectAuthorizer', 'AuthorizerPermission');
        expect(deployed.Resources.AuthorizerFunction.Properties?.Environment.Variables).to.deep.equal(expected.environment);
        // The identity source is the token itself: nothing cached under it could admit another user.
        expect(deployed.Resources.ConnectAuthorizer.Properties?.IdentitySource).to.deep.equal(['route.request.querystring.Auth']);
        expect(deployed.Resources.ConnectAuthorizer.Properties).to.not.have.property('AuthorizerResultTtlInSeconds');
      });
    }

    const refused: [string, Record<string, string>, RegExp][] = [
      ['token without AuthToken', { AuthMode: 'token' }, /AuthMode token needs AuthToken/],
      ['jwt without JwtIssuer', { AuthMode: 'jwt', JwtAudience: 'a' }, /AuthMode jwt needs JwtIssuer/],
      ['jwt without JwtAudience', { AuthMode: 'jwt', JwtIssuer: ISSUER }, /AuthMode jwt needs JwtAudience/],
      ['an unknown AuthMode', { AuthMode: 'open' }, /parameter AuthMode must be one of/],
      ['an unknown JwtTokenUse', { AuthMode: 'jwt', JwtIssuer: ISSUER, JwtAudience: 'a', JwtTokenUse: 'refresh' }, /parameter JwtTokenUse must be one of/],
    ];
    for (const [what, overrides, reason] of refused) {
      it(`refuses ${what}, as CloudFormation's Rules and AllowedValues would`, () => {
        expect(() => served(overrides)).to.throw(ParameterError, reason);
      });
    }
  });
});

describe('template.yaml with and without fan-out workers (EnableFanOut)', () => {
  const { template } = loadTemplate('template.yaml');
  const deploy = (overrides: Record<string, string> = {}) => {
    const values = parameterValues(template, overrides);
    checkParameters(template, values);
    return applyConditions(template, { ...pseudoParameters('eu-north-1'), ...values });
  };
  const FAN_OUT_RESOURCES = ['FanOutWorkerFunction', 'FanOutWorkerLogGroup', 'FanOutFailureQueue', 'FanOutFailureAlarm'];
  const policyText = (deployed: Template) => JSON.stringify(deployed.Resources.BroadcastFunction.Properties?.Policies);

  it('by default: the four route functions and the table, no worker, queue, alarm or count', () => {
    const deployed = deploy();
    expect(deployed.Resources).to.not.have.any.keys(...FAN_OUT_RESOURCES);
    expect(
      functionsOf(deployed, '.')
        .map((fn) => fn.logicalId)
        .sort(),
    ).to.deep.equal(['BroadcastFunction', 'ConnectFunction', 'DefaultFunction', 'DisconnectFunction']);
    expect(tablesOf(deployed).map((table) => table.logicalId)).to.deep.equal(['ConnectionsTable']);
    // Without FAN_OUT_WORKER_FUNCTION the broadcast posts itself and never counts the connections.
    expect(deployed.Resources.BroadcastFunction.Properties?.Environment.Variables).to.not.have.any.keys(
      'FAN_OUT_WORKER_FUNCTION',
      'FAN_OUT_THRESHOLD',
      'FAN_OUT_WORKERS',
    );
    expect(policyText(deployed)).to.not.include('lambda:InvokeFunction');
  });

  it('EnableFanOut true: the worker, its queue and alarm, and the broadcast allowed to start it; no reservation', () => {
    const deployed = deploy({ EnableFanOut: 'true' });
    expect(deployed.Resources).to.include.all.keys(...FAN_OUT_RESOURCES);
    expect(deployed.Resources.BroadcastFunction.Properties?.Environment.Variables).to.deep.include({
      FAN_OUT_WORKER_FUNCTION: { Ref: 'FanOutWorkerFunction' },
      FAN_OUT_THRESHOLD: { Ref: 'FanOutThreshold' },
      FAN_OUT_WORKERS: { Ref: 'FanOutWorkers' },
    });
    expect(policyText(deployed)).to.include('lambda:InvokeFunction');
    expect(deployed.Resources.FanOutWorkerFunction.Properties).to.not.have.property('ReservedConcurrentExecutions');
  });

  const reservations: [string, unknown][] = [
    ['', undefined],
    ['0', undefined],
    ['20', { Ref: 'FanOutWorkerConcurrency' }],
  ];
  for (const [value, reserved] of reservations) {
    it(`FanOutWorkerConcurrency "${value}" reserves ${reserved ? 'it' : 'nothing'}`, () => {
      const worker = deploy({ EnableFanOut: 'true', FanOutWorkerConcurrency: value }).Resources.FanOutWorkerFunction.Properties;
      expect(worker?.ReservedConcurrentExecutions).to.deep.equal(reserved);
    });
  }

  it('refuses a FanOutWorkerConcurrency outside its AllowedPattern, as CloudFormation would', () => {
    for (const value of ['05', '-1', 'all']) {
      expect(() => deploy({ EnableFanOut: 'true', FanOutWorkerConcurrency: value }), value).to.throw(ParameterError, /FanOutWorkerConcurrency must match/);
    }
    expect(() => deploy({ EnableFanOut: 'maybe' })).to.throw(ParameterError, /EnableFanOut must be one of false, true/);
  });
});
