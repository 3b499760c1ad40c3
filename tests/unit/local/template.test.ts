import { expect } from 'chai';
import { ParameterError } from '../../../packages/sam-local-websocket/src/errors.js';
import {
  applyConditions,
  checkParameters,
  ConditionError,
  pseudoParameters,
  resolveIntrinsic,
  UnsupportedIntrinsicError,
} from '../../../packages/sam-local-websocket/src/template/intrinsics.js';
import { functionsOf, loadTemplate, parameterValues, tablesOf, webSocketApiOf, type Template } from '../../../packages/sam-local-websocket/src/template/template.js';

describe('reading template.yaml for the local gateway', () => {
  const { template, baseDir } = loadTemplate('template.yaml');

  it('finds the API, its expression and each route’s function', () => {
    const api = webSocketApiOf(template);
    expect(api.routeSelectionExpression).to.equal('$request.body.action');
    expect(Object.fromEntries([...api.routes].map(([key, route]) => [key, route.functionId]))).to.deep.equal({
      $connect: 'ConnectFunction',
      $disconnect: 'DisconnectFunction',
      $default: 'DefaultFunction',
      broadcast: 'BroadcastFunction',
    });
    expect([...api.routes.values()].some((route) => route.returnsBody)).to.equal(false);
  });

  it('applies Globals to functions, the function’s own settings winning', () => {
    const functions = Object.fromEntries(functionsOf(template, baseDir).map((fn) => [fn.logicalId, fn]));
    expect(functions.ConnectFunction.timeout).to.equal(10);
    expect(functions.BroadcastFunction.timeout).to.equal(29);
    expect(functions.BroadcastFunction.environment).to.include.keys('TABLE_NAME', 'POWERTOOLS_SERVICE_NAME', 'BROADCAST_CONCURRENCY');
    expect(functions.ConnectFunction.environment).to.not.have.property('BROADCAST_CONCURRENCY');
    expect(functions.ConnectFunction.codeDir).to.match(/functions\/connect$/);
  });

  it('names tables by TableName, else by logical id, SimpleTable included', () => {
    const extra: Template = {
      Resources: {
        Named: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'my-table', KeySchema: [], AttributeDefinitions: [] } },
        Simple: { Type: 'AWS::Serverless::SimpleTable' },
      },
    };
    expect(tablesOf(template).map((table) => table.tableName)).to.deep.equal(['ConnectionsTable']);
    expect(tablesOf(extra)).to.deep.equal([
      { logicalId: 'Named', tableName: 'my-table', keySchema: [], attributeDefinitions: [] },
      {
        logicalId: 'Simple',
        tableName: 'Simple',
        keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      },
    ]);
  });
});

describe('resolveIntrinsic', () => {
  const values = {
    refs: { StageName: 'dev', ConnectionsTable: 'ConnectionsTable', 'AWS::Region': 'us-east-1' },
    getAtt: (id: string, attribute: string) => `${id}/${attribute}`,
  };
  it('resolves Ref, GetAtt, Sub, Join and Select', () => {
    expect(resolveIntrinsic({ Ref: 'StageName' }, values)).to.equal('dev');
    expect(resolveIntrinsic({ 'Fn::GetAtt': ['ConnectionsTable', 'Arn'] }, values)).to.equal('ConnectionsTable/Arn');
    expect(resolveIntrinsic({ 'Fn::Sub': '${AWS::Region}-${StageName}-${ConnectionsTable.Arn}' }, values)).to.equal(
      'us-east-1-dev-ConnectionsTable/Arn',
    );
    expect(resolveIntrinsic({ 'Fn::Sub': ['${A}-${StageName}', { A: { Ref: 'StageName' } }] }, values)).to.equal('dev-dev');
    expect(resolveIntrinsic({ 'Fn::Join': ['/', ['a', { Ref: 'StageName' }]] }, values)).to.equal('a/dev');
    expect(resolveIntrinsic({ 'Fn::Select': [1, ['a', 'b']] }, values)).to.equal('b');
    expect(resolveIntrinsic(25, values)).to.equal('25');
  });

  it('joins and selects from a Ref to a CommaDelimitedList parameter', () => {
    const lists = { ...values, refs: { ...values.refs, JwtAudience: 'app-1,app-2' } };
    expect(resolveIntrinsic({ 'Fn::Join': [' ', { Ref: 'JwtAudience' }] }, lists)).to.equal('app-1 app-2');
    expect(resolveIntrinsic({ 'Fn::Select': [1, { Ref: 'JwtAudience' }] }, lists)).to.equal('app-2');
  });

  it('says clearly what it cannot resolve', () => {
    expect(() => resolveIntrinsic({ Ref: 'Nope' }, values)).to.throw(UnsupportedIntrinsicError, /Nope/);
    expect(() => resolveIntrinsic({ 'Fn::ImportValue': 'x' }, values)).to.throw(UnsupportedIntrinsicError, /ImportValue/);
  });
});

describe('the one intrinsic and condition evaluator', () => {
  const values = { refs: pseudoParameters('eu-north-1'), getAtt: () => 'arn' };

  it('knows the pseudo parameters in Ref and !Sub', () => {
    expect(resolveIntrinsic({ Ref: 'AWS::Partition' }, values)).to.equal('aws');
    expect(resolveIntrinsic({ 'Fn::Sub': 'execute-api.${AWS::Region}.${AWS::URLSuffix}' }, values)).to.equal('execute-api.eu-north-1.amazonaws.com');
    expect(resolveIntrinsic({ Ref: 'AWS::AccountId' }, values)).to.equal('000000000000');
    expect(resolveIntrinsic({ Ref: 'AWS::StackName' }, values)).to.equal('local');
  });

  it('writes ${!Literal} as ${Literal}, as CloudFormation does', () => {
    expect(resolveIntrinsic({ 'Fn::Sub': 'x-${!Literal}-${AWS::Region}' }, values)).to.equal('x-${Literal}-eu-north-1');
  });

  it('evaluates a condition on a pseudo parameter, and nested And/Or/Not/Condition', () => {
    const template: Template = {
      Conditions: {
        InEurope: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-north-1'] },
        NotUs: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }] },
        Both: { 'Fn::And': [{ Condition: 'InEurope' }, { Condition: 'NotUs' }] },
        Either: { 'Fn::Or': [{ 'Fn::Equals': ['a', 'b'] }, { Condition: 'Both' }] },
      },
      Resources: {
        Kept: { Type: 'AWS::SNS::Topic', Condition: 'Either', Properties: { Name: { 'Fn::If': ['InEurope', 'eu', 'us'] }, Gone: { Ref: 'AWS::NoValue' } } },
        Dropped: { Type: 'AWS::SNS::Topic', Condition: 'InEuropeNot' },
      },
    };
    template.Conditions!.InEuropeNot = { 'Fn::Not': [{ Condition: 'InEurope' }] };
    const applied = applyConditions(template, { ...pseudoParameters('eu-north-1') });
    expect(Object.keys(applied.Resources)).to.deep.equal(['Kept']);
    expect(applied.Resources.Kept.Properties).to.deep.equal({ Name: 'eu' });
    expect(() => applyConditions(template, {})).to.throw(ConditionError, /AWS::Region/);
  });
});

/**
 * The evaluator on template.yaml itself: what each choice of parameters deploys, written out.
 * (tests/unit/template.test.ts checks the template's own text, without this evaluator.)
 */
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
      ['auto with a token: token mode, as before AuthMode existed', { AuthToken: 't' }, { authorized: true, environment: { AUTH_MODE: 'token', AUTH_TOKEN: { Ref: 'AuthToken' } } }],
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
    expect(functionsOf(deployed, '.').map((fn) => fn.logicalId).sort()).to.deep.equal(['BroadcastFunction', 'ConnectFunction', 'DefaultFunction', 'DisconnectFunction']);
    expect(tablesOf(deployed).map((table) => table.logicalId)).to.deep.equal(['ConnectionsTable']);
    // Without FAN_OUT_WORKER_FUNCTION the broadcast posts itself and never counts the connections.
    expect(deployed.Resources.BroadcastFunction.Properties?.Environment.Variables).to.not.have.any.keys('FAN_OUT_WORKER_FUNCTION', 'FAN_OUT_THRESHOLD', 'FAN_OUT_WORKERS');
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
