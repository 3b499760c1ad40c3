/**
 * template.yaml as written, read with the CloudFormation tags in their long form
 * (`!Ref X` is `{ Ref: 'X' }`) and checked without the local gateway's evaluator: which
 * resources carry which `Condition`, the `Fn::If` branches, the literal ARNs. What each choice
 * of parameters deploys is checked through the evaluator in tests/unit/local/template.test.ts.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import { BROADCAST_METRICS } from '../../functions/shared/broadcast-metrics.js';
import { TABLE_ATTRIBUTES } from '../../functions/shared/connections.js';
import { ROUTE_KEYS } from '../../functions/shared/constants.js';

/** A resource as written: any property, any intrinsic. */
interface Resource {
  Type: string;
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
}

const template = yamlParse(readFileSync('template.yaml', 'utf8')) as Record<string, any> & { Resources: Record<string, Resource> };
const resources = template.Resources;
const NO_VALUE = { Ref: 'AWS::NoValue' };

/** The template's resources of one type, as [logicalId, resource] pairs. */
const ofType = (type: string): [string, Resource][] => Object.entries(resources).filter(([, resource]) => resource.Type === type);

/** `!Sub "...${Name.Arn}..."` or `!Sub "...${Name}..."`: the logical ids it names. */
function subReferences(value: unknown): string[] {
  const text = (value as { 'Fn::Sub'?: string })?.['Fn::Sub'];
  if (typeof text !== 'string') return [];
  return [...text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)].map((match) => match[1]);
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/**
 * The inline IAM statements of a function, as written under `Policies`; a statement behind
 * `!If [Condition, statement, !Ref AWS::NoValue]` is taken with its condition.
 */
function conditionalStatementsOf(fn: Resource): { condition?: string; statement: Statement }[] {
  return (fn.Properties?.Policies ?? []).flatMap((policy: { Statement?: unknown[] }) =>
    (policy.Statement ?? []).map((entry) => {
      const branches = (entry as { 'Fn::If'?: [string, Statement, unknown] })['Fn::If'];
      if (!branches) return { statement: entry as Statement };
      expect(branches[2], 'the other branch of a conditional statement').to.deep.equal(NO_VALUE);
      return { condition: branches[0], statement: branches[1] };
    }),
  );
}
const statementsOf = (fn: Resource): Statement[] => conditionalStatementsOf(fn).map((entry) => entry.statement);

/** Every value under a key named `key`, anywhere in the template. */
function valuesOfKey(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((item) => valuesOfKey(item, key));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([name, value]) => [...(name === key ? [value] : []), ...valuesOfKey(value, key)]);
  }
  return [];
}

describe('template.yaml', () => {
  const routes = ofType('AWS::ApiGatewayV2::Route');
  const functions = ofType('AWS::Serverless::Function');
  // SAM's WebSocket API: its routes are written under Routes; SAM generates their integrations and
  // permissions (what it generates is checked in tests/unit/template-deploy.test.ts).
  const [[, samApi]] = ofType('AWS::Serverless::WebSocketApi');
  const samRoutes = Object.entries(samApi.Properties?.Routes ?? {}) as [string, { FunctionArn: { 'Fn::GetAtt': [string, string] } }][];
  /** The function behind each SAM route. */
  const samRouteFunctions = new Map(samRoutes.map(([routeKey, route]) => [route.FunctionArn['Fn::GetAtt'][0], routeKey]));

  it("declares SAM's WebSocket API routed on $request.body.action, on the stage and throttling the parameters name", () => {
    expect(samApi.Properties).to.deep.include({
      RouteSelectionExpression: '$request.body.action',
      StageName: { Ref: 'StageName' },
      DefaultRouteSettings: { ThrottlingBurstLimit: { Ref: 'ThrottlingBurstLimit' }, ThrottlingRateLimit: { Ref: 'ThrottlingRateLimit' } },
    });
    expect(template.Parameters?.StageName.Default).to.equal('dev');
    // $connect is written by hand: its authorizer follows a Condition, which SAM's Auth cannot.
    expect(samApi.Properties).to.not.have.property('Auth');
    expect(samApi.Condition).to.equal(undefined);
  });

  it('has the four routes', () => {
    const keys = [...routes.map(([, route]) => route.Properties?.RouteKey), ...samRoutes.map(([routeKey]) => routeKey)];
    expect(keys.sort()).to.deep.equal(Object.values(ROUTE_KEYS).sort());
  });

  for (const [routeKey, route] of samRoutes) {
    it(`routes ${routeKey} (SAM) to its own function`, () => {
      const fn = resources[route.FunctionArn['Fn::GetAtt'][0]];
      expect(route.FunctionArn['Fn::GetAtt'][1]).to.equal('Arn');
      expect(fn?.Type).to.equal('AWS::Serverless::Function');
      expect(basename(fn.Properties?.CodeUri)).to.equal(routeKey.replace('$', ''));
    });
  }

  for (const [logicalId, route] of routes) {
    const routeKey: string = route.Properties?.RouteKey;
    it(`routes ${routeKey} through an AWS_PROXY integration to its own function`, () => {
      expect(route.Properties?.ApiId).to.deep.equal({ Ref: 'WebSocketApi' });
      const [integrationId] = subReferences(route.Properties?.Target);
      const integration = resources[integrationId];
      expect(integration?.Type, `${logicalId}'s target`).to.equal('AWS::ApiGatewayV2::Integration');
      expect(integration.Properties?.IntegrationType).to.equal('AWS_PROXY');
      const [functionId] = subReferences(integration.Properties?.IntegrationUri);
      const fn = resources[functionId];
      expect(fn?.Type).to.equal('AWS::Serverless::Function');
      expect(basename(fn.Properties?.CodeUri)).to.equal(routeKey.replace('$', ''));
    });
  }

  /** What may invoke each function: its route on this stage, or (the authorizer) this API's authorizers. */
  const invokerArns: Record<string, string> = {};
  for (const [, route] of routes) {
    const [integrationId] = subReferences(route.Properties?.Target);
    const [functionId] = subReferences(resources[integrationId]?.Properties?.IntegrationUri);
    invokerArns[functionId] = `\${WebSocketApi}/\${StageName}/${route.Properties?.RouteKey}`;
  }
  for (const [authorizerId, authorizer] of ofType('AWS::ApiGatewayV2::Authorizer')) {
    const [functionId] = subReferences(authorizer.Properties?.AuthorizerUri);
    invokerArns[functionId] = `\${WebSocketApi}/authorizers/\${${authorizerId}}`;
  }

  for (const [logicalId] of functions.filter(([id]) => id !== 'FanOutWorkerFunction' && !samRouteFunctions.has(id))) {
    it(`lets only this API invoke ${logicalId}, on its own stage and route`, () => {
      const permissions = ofType('AWS::Lambda::Permission').filter(([, permission]) => permission.Properties?.FunctionName?.Ref === logicalId);
      expect(permissions, `permissions for ${logicalId}`).to.have.length(1);
      const { Principal, SourceArn, Action } = permissions[0][1].Properties!;
      expect({ Principal, Action }).to.deep.equal({ Principal: 'apigateway.amazonaws.com', Action: 'lambda:InvokeFunction' });
      expect(invokerArns[logicalId], `${logicalId} is behind a route or an authorizer`).to.be.a('string');
      expect(SourceArn).to.deep.equal({
        'Fn::Sub': `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:${invokerArns[logicalId]}`,
      });
    });
  }

  it('writes every ARN with ${AWS::Partition} and every host with ${AWS::URLSuffix}', () => {
    const texts = valuesOfKey(template, 'Fn::Sub').map((value) => (Array.isArray(value) ? value[0] : value));
    const arns = texts.filter((text) => String(text).includes('arn:'));
    expect(arns).to.have.length.greaterThan(5);
    for (const text of arns)
      expect(text)
        .to.match(/(^|[^\w])arn:\$\{AWS::Partition\}:/)
        .and.not.match(/arn:aws[:-]/);
    // Service principals are the one place the suffix is literal.
    const principals = valuesOfKey(resources, 'Principal');
    expect(JSON.stringify(template).split('amazonaws.com').length - 1).to.equal(principals.length);
    for (const name of ['WebSocketUrl', 'ConnectionsUrl']) {
      const output = (template.Outputs as Record<string, { Value: { 'Fn::Sub': string } }>)[name];
      expect(output.Value['Fn::Sub'], name).to.include('.execute-api.${AWS::Region}.${AWS::URLSuffix}/${StageName}');
    }
  });

  it('gives every function its own log group, kept for LogRetentionDays (30 by default)', () => {
    expect(template.Parameters?.LogRetentionDays).to.deep.include({ Type: 'Number', Default: 30 });
    const logGroups = ofType('AWS::Logs::LogGroup');
    expect(logGroups).to.have.length(functions.length);
    const used = new Set<string>();
    for (const [logicalId, fn] of functions) {
      const logGroupId = fn.Properties?.LoggingConfig?.LogGroup?.Ref;
      const logGroup = resources[logGroupId];
      expect(logGroup?.Type, `${logicalId}'s LoggingConfig.LogGroup`).to.equal('AWS::Logs::LogGroup');
      expect(used.has(logGroupId), `${logGroupId} is shared`).to.equal(false);
      used.add(logGroupId);
      expect(logGroup.Properties).to.deep.equal({ RetentionInDays: { Ref: 'LogRetentionDays' } });
      // A log group exists exactly when its function does.
      expect(logGroup.Condition, logGroupId).to.equal(fn.Condition);
    }
  });

  it('sets DeletionPolicy and UpdateReplacePolicy on every stateful resource', () => {
    const stateful = Object.entries(resources).filter(([, resource]) =>
      ['AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::SQS::Queue'].includes(resource.Type),
    );
    expect(stateful).to.have.length(2 + functions.length);
    for (const [logicalId, resource] of stateful) {
      expect({ deletion: resource.DeletionPolicy, replace: resource.UpdateReplacePolicy }, logicalId).to.deep.equal({
        deletion: 'Delete',
        replace: 'Delete',
      });
    }
  });

  it('names a resource in every IAM statement, never "*"', () => {
    const statementResources = functions.flatMap(([, fn]) => statementsOf(fn).map((statement) => statement.Resource));
    expect(statementResources).to.have.length.greaterThan(0);
    for (const resource of valuesOfKey(resources, 'Resource')) {
      expect(resource).to.not.equal('*');
      expect(JSON.stringify(resource)).to.not.match(/"\*"|:\*"/);
    }
  });

  it('grants each function only the actions it uses, one action per statement', () => {
    const actions = Object.fromEntries(
      functions.map(([logicalId, fn]) => [
        logicalId,
        statementsOf(fn)
          .map((statement) => statement.Action)
          .sort(),
      ]),
    );
    expect(actions).to.deep.equal({
      ConnectFunction: ['dynamodb:PutItem'],
      DisconnectFunction: ['dynamodb:DeleteItem'],
      DefaultFunction: ['execute-api:ManageConnections'],
      BroadcastFunction: ['dynamodb:DeleteItem', 'dynamodb:Scan', 'execute-api:ManageConnections', 'lambda:InvokeFunction'],
      FanOutWorkerFunction: ['dynamodb:DeleteItem', 'dynamodb:Scan', 'execute-api:ManageConnections'],
      AuthorizerFunction: [],
    });
    for (const [, fn] of functions) {
      for (const statement of statementsOf(fn)) {
        if (statement.Action === 'lambda:InvokeFunction') {
          expect(statement.Resource).to.deep.equal({ 'Fn::GetAtt': ['FanOutWorkerFunction', 'Arn'] });
        } else if (statement.Action === 'execute-api:ManageConnections') {
          expect(statement.Resource).to.deep.equal({
            'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/${StageName}/POST/@connections/*',
          });
        } else {
          expect(statement.Resource).to.deep.equal({ 'Fn::GetAtt': ['ConnectionsTable', 'Arn'] });
        }
      }
    }
  });

  it('keys the table on the attribute the code writes, with TTL on its expiry attribute', () => {
    const table = resources.ConnectionsTable.Properties!;
    expect(table.KeySchema).to.deep.equal([{ AttributeName: TABLE_ATTRIBUTES.key, KeyType: 'HASH' }]);
    expect(table.TimeToLiveSpecification).to.deep.equal({ AttributeName: TABLE_ATTRIBUTES.ttl, Enabled: true });
    expect(table.BillingMode).to.equal('PAY_PER_REQUEST');
    expect(table.SSESpecification).to.deep.equal({ SSEEnabled: true });
  });

  it('shares runtime, architecture, JSON logs and the table name through Globals', () => {
    const globals = template.Globals!.Function!;
    expect(globals.Runtime).to.equal('nodejs24.x');
    expect(globals.Architectures).to.deep.equal(['arm64']);
    expect(globals.LoggingConfig).to.deep.equal({ LogFormat: 'JSON', ApplicationLogLevel: { Ref: 'LogLevel' } });
    expect(globals.Environment.Variables.TABLE_NAME).to.deep.equal({ Ref: 'ConnectionsTable' });
  });

  it('bundles every function with esbuild to minified ESM for node24 with a source map, from entry points that exist', () => {
    // Node reads the maps only with --enable-source-maps: every function gets it from Globals.
    expect(String(template.Globals?.Function?.Environment.Variables.NODE_OPTIONS).split(/\s+/)).to.include('--enable-source-maps');
    for (const [logicalId, fn] of functions) {
      expect(fn.Metadata?.BuildMethod, logicalId).to.equal('esbuild');
      expect(fn.Metadata?.BuildProperties).to.deep.include({
        Format: 'esm',
        Target: 'node24',
        Minify: true,
        OutExtension: ['.js=.mjs'],
        Sourcemap: true,
        SourcesContent: 'false',
      });
      // A function's own NODE_OPTIONS would replace the Globals one.
      expect(fn.Properties?.Environment?.Variables ?? {}, logicalId).to.not.have.property('NODE_OPTIONS');
      expect(fn.Properties?.Handler).to.equal('app.handler');
      // CodeUri is relative to the template, which sits at the root the tests run from.
      const codeDir = resolve(fn.Properties?.CodeUri);
      expect(existsSync(codeDir), codeDir).to.equal(true);
      // A package.json in CodeUri would make `sam build` bundle a copy that cannot see ../shared.
      expect(existsSync(resolve(codeDir, 'package.json'))).to.equal(false);
      for (const entry of fn.Metadata!.BuildProperties.EntryPoints as string[]) {
        expect(existsSync(resolve(codeDir, entry)), `${logicalId}: ${entry}`).to.equal(true);
      }
    }
  });

  it('creates these resources only under these conditions', () => {
    const conditional = Object.entries(resources).filter(([, resource]) => resource.Condition !== undefined);
    expect(Object.fromEntries(conditional.map(([logicalId, resource]) => [logicalId, resource.Condition]))).to.deep.equal({
      AuthorizerFunction: 'AuthEnabled',
      AuthorizerLogGroup: 'AuthEnabled',
      ConnectAuthorizer: 'AuthEnabled',
      AuthorizerPermission: 'AuthEnabled',
      FanOutWorkerFunction: 'FanOutEnabled',
      FanOutWorkerLogGroup: 'FanOutEnabled',
      FanOutFailureQueue: 'FanOutEnabled',
      FanOutFailureAlarm: 'FanOutEnabled',
      AlarmTopic: 'AlarmEmailSet',
      AlarmEmailSubscription: 'AlarmEmailSet',
    });
    // An output of a resource that may not exist exists under the same condition.
    const outputs = template.Outputs as Record<string, { Condition?: string; Value: unknown }>;
    for (const [name, output] of Object.entries(outputs)) {
      const named = JSON.stringify(output.Value).match(/"(?:Ref|Fn::GetAtt)":\[?"([A-Za-z0-9]+)"/)?.[1];
      expect(output.Condition, name).to.equal(named ? resources[named]?.Condition : undefined);
    }
  });

  describe('the $connect authorizer', () => {
    const connectRoute = resources.ConnectRoute.Properties!;
    const authorizer = resources.ConnectAuthorizer.Properties!;

    it('is a NoEcho parameter, empty by default (an open API)', () => {
      expect(template.Parameters?.AuthToken).to.deep.include({ Type: 'String', NoEcho: true, Default: '' });
    });

    it('guards $connect only when a token is configured (AuthEnabled), and no other route', () => {
      // AuthEnabled: AuthMode token, or auto with an AuthToken (TokenAuth), or jwt (JwtAuth).
      expect(template.Conditions).to.deep.include({
        TokenAuth: {
          'Fn::Or': [
            { 'Fn::Equals': [{ Ref: 'AuthMode' }, 'token'] },
            { 'Fn::And': [{ 'Fn::Equals': [{ Ref: 'AuthMode' }, 'auto'] }, { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AuthToken' }, ''] }] }] },
          ],
        },
        JwtAuth: { 'Fn::Equals': [{ Ref: 'AuthMode' }, 'jwt'] },
        AuthEnabled: { 'Fn::Or': [{ Condition: 'TokenAuth' }, { Condition: 'JwtAuth' }] },
      });
      expect(connectRoute.AuthorizationType).to.deep.equal({ 'Fn::If': ['AuthEnabled', 'CUSTOM', 'NONE'] });
      expect(connectRoute.AuthorizerId).to.deep.equal({ 'Fn::If': ['AuthEnabled', { Ref: 'ConnectAuthorizer' }, NO_VALUE] });
      expect(authorizer.IdentitySource).to.deep.equal(['route.request.querystring.Auth']);
      expect(authorizer.AuthorizerUri).to.deep.equal({
        'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthorizerFunction.Arn}/invocations',
      });
      for (const [logicalId, route] of routes) {
        if (route.Properties?.RouteKey !== '$connect') expect(route.Properties, logicalId).to.not.have.any.keys('AuthorizationType', 'AuthorizerId');
      }
    });

    it('is a REQUEST authorizer whose invoke permission is scoped to this API’s authorizers', () => {
      expect(authorizer).to.include({ AuthorizerType: 'REQUEST' });
      expect(authorizer.Name).to.deep.equal({ 'Fn::If': ['JwtAuth', 'connect-jwt', 'connect-token'] });
      const permission = resources.AuthorizerPermission.Properties!;
      expect(permission.FunctionName).to.deep.equal({ Ref: 'AuthorizerFunction' });
      expect(permission.SourceArn['Fn::Sub']).to.equal(
        'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/authorizers/${ConnectAuthorizer}',
      );
    });

    it('gets the token from the parameter, never from a value in the template', () => {
      expect(resources.AuthorizerFunction.Properties?.Environment.Variables.AUTH_TOKEN).to.deep.equal({
        'Fn::If': ['TokenAuth', { Ref: 'AuthToken' }, NO_VALUE],
      });
    });
  });

  describe('Powertools settings and the broadcast alarm', () => {
    const variables = template.Globals?.Function?.Environment.Variables;
    const alarm = resources.BroadcastFailureAlarm;
    const stats = (alarm.Properties?.Metrics ?? []).filter((query: { MetricStat?: unknown }) => query.MetricStat);

    it('gives every function the service name, log level and metrics namespace, and Lambda the same level', () => {
      expect(variables).to.deep.include({
        POWERTOOLS_SERVICE_NAME: { Ref: 'AWS::StackName' },
        POWERTOOLS_LOG_LEVEL: { Ref: 'LogLevel' },
        POWERTOOLS_METRICS_NAMESPACE: { Ref: 'MetricsNamespace' },
      });
      expect(template.Globals?.Function?.LoggingConfig).to.deep.include({ LogFormat: 'JSON', ApplicationLogLevel: { Ref: 'LogLevel' } });
    });

    it('alarms when the sum of failed posts, timed-out and stopped broadcasts is above 0', () => {
      expect(alarm.Type).to.equal('AWS::CloudWatch::Alarm');
      expect(alarm.Properties).to.include({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, TreatMissingData: 'notBreaching' });
      expect(stats.map((query: any) => query.MetricStat.Metric.MetricName).sort()).to.deep.equal(
        [BROADCAST_METRICS.failed, BROADCAST_METRICS.stopped, BROADCAST_METRICS.timedOut].sort(),
      );
      const [expression] = alarm.Properties!.Metrics.filter((query: { ReturnData: boolean }) => query.ReturnData);
      for (const query of stats) expect(expression.Expression).to.include(`FILL(${query.Id}, 0)`);
    });

    it('reads the metrics where Powertools writes them: the namespace and the service dimension of the functions', () => {
      for (const query of stats) {
        expect(query.MetricStat.Metric.Namespace).to.deep.equal(variables.POWERTOOLS_METRICS_NAMESPACE);
        expect(query.MetricStat.Metric.Dimensions).to.deep.equal([{ Name: 'service', Value: variables.POWERTOOLS_SERVICE_NAME }]);
        expect(query.MetricStat).to.include({ Stat: 'Sum' });
      }
    });

    it('notifies an email address through SNS only when AlarmEmail is set', () => {
      expect(template.Parameters?.AlarmEmail).to.deep.include({ Type: 'String', Default: '' });
      expect(template.Conditions?.AlarmEmailSet).to.deep.equal({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmEmail' }, ''] }] });
      expect(resources.AlarmTopic).to.deep.include({ Type: 'AWS::SNS::Topic', Condition: 'AlarmEmailSet' });
      expect(resources.AlarmEmailSubscription).to.deep.include({ Type: 'AWS::SNS::Subscription', Condition: 'AlarmEmailSet' });
      expect(resources.AlarmEmailSubscription.Properties).to.deep.equal({
        TopicArn: { Ref: 'AlarmTopic' },
        Protocol: 'email',
        Endpoint: { Ref: 'AlarmEmail' },
      });
      for (const actions of ['AlarmActions', 'OKActions']) {
        expect(alarm.Properties?.[actions], actions).to.deep.equal({ 'Fn::If': ['AlarmEmailSet', [{ Ref: 'AlarmTopic' }], NO_VALUE] });
      }
    });
  });

  describe('AuthMode', () => {
    it('is auto, none, token or jwt (auto by default), JwtTokenUse access or any', () => {
      expect(template.Parameters?.AuthMode).to.deep.include({ Type: 'String', Default: 'auto', AllowedValues: ['auto', 'none', 'token', 'jwt'] });
      expect(template.Parameters?.JwtTokenUse).to.deep.include({ Type: 'String', Default: 'access', AllowedValues: ['access', 'any'] });
      expect(template.Parameters?.JwtAudience).to.deep.include({ Type: 'CommaDelimitedList', Default: '' });
    });

    it('refuses token without AuthToken, and jwt without JwtIssuer or JwtAudience, by Rules', () => {
      const isEmpty = (value: unknown) => ({ 'Fn::Equals': [value, ''] });
      expect(template.Rules).to.deep.equal({
        TokenModeNeedsToken: {
          RuleCondition: { 'Fn::Equals': [{ Ref: 'AuthMode' }, 'token'] },
          Assertions: [{ Assert: { 'Fn::Not': [isEmpty({ Ref: 'AuthToken' })] }, AssertDescription: 'AuthMode token needs AuthToken.' }],
        },
        JwtModeNeedsIssuerAndAudience: {
          RuleCondition: { 'Fn::Equals': [{ Ref: 'AuthMode' }, 'jwt'] },
          Assertions: [
            { Assert: { 'Fn::Not': [isEmpty({ Ref: 'JwtIssuer' })] }, AssertDescription: 'AuthMode jwt needs JwtIssuer.' },
            // Rule functions only (no Fn::Join): every member of the list empty means no audience.
            { Assert: { 'Fn::Not': [{ 'Fn::EachMemberEquals': [{ Ref: 'JwtAudience' }, ''] }] }, AssertDescription: 'AuthMode jwt needs JwtAudience.' },
          ],
        },
      });
    });

    it('gives the authorizer its mode, and the settings of that mode only', () => {
      const jwtOnly = (value: unknown) => ({ 'Fn::If': ['JwtAuth', value, NO_VALUE] });
      expect(resources.AuthorizerFunction.Properties?.Environment.Variables).to.deep.equal({
        AUTH_MODE: { 'Fn::If': ['JwtAuth', 'jwt', 'token'] },
        AUTH_TOKEN: { 'Fn::If': ['TokenAuth', { Ref: 'AuthToken' }, NO_VALUE] },
        JWT_ISSUER: jwtOnly({ Ref: 'JwtIssuer' }),
        JWT_AUDIENCE: jwtOnly({ 'Fn::Join': [',', { Ref: 'JwtAudience' }] }),
        JWT_REQUIRED_SCOPE: jwtOnly({ Ref: 'JwtRequiredScope' }),
        JWT_TOKEN_USE: jwtOnly({ Ref: 'JwtTokenUse' }),
      });
    });

    it('reads the token from ?Auth= and caches no result under it', () => {
      // The identity source is the token itself: nothing cached under it could admit another user.
      expect(resources.ConnectAuthorizer.Properties?.IdentitySource).to.deep.equal(['route.request.querystring.Auth']);
      expect(resources.ConnectAuthorizer.Properties).to.not.have.property('AuthorizerResultTtlInSeconds');
    });

    it('passes BroadcastIncludesSender (default false) to the broadcast function', () => {
      expect(template.Parameters?.BroadcastIncludesSender).to.deep.include({ Default: 'false' });
      expect(resources.BroadcastFunction.Properties?.Environment.Variables.BROADCAST_INCLUDE_SENDER).to.deep.equal({ Ref: 'BroadcastIncludesSender' });
    });
  });

  describe('the fan-out worker', () => {
    const worker = resources.FanOutWorkerFunction;
    const broadcast = resources.BroadcastFunction;

    it('is invoked by the broadcast function only: no resource policy lets anything else in', () => {
      const permissions = ofType('AWS::Lambda::Permission').filter(([, permission]) =>
        JSON.stringify(permission.Properties?.FunctionName).includes('FanOutWorkerFunction'),
      );
      expect(permissions).to.deep.equal([]);
      const invokers = functions.filter(([, fn]) => statementsOf(fn).some((statement) => statement.Action === 'lambda:InvokeFunction'));
      expect(invokers.map(([logicalId]) => logicalId)).to.deep.equal(['BroadcastFunction']);
      // Only when the worker exists: a statement naming a missing function would fail the deploy.
      expect(conditionalStatementsOf(broadcast).filter(({ statement }) => String(statement.Action).startsWith('lambda:'))).to.deep.equal([
        {
          condition: 'FanOutEnabled',
          statement: { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['FanOutWorkerFunction', 'Arn'] } },
        },
      ]);
    });

    it('is opt-in: EnableFanOut, false by default', () => {
      expect(template.Parameters?.EnableFanOut).to.deep.include({ Type: 'String', Default: 'false', AllowedValues: ['false', 'true'] });
      expect(template.Conditions?.FanOutEnabled).to.deep.equal({ 'Fn::Equals': [{ Ref: 'EnableFanOut' }, 'true'] });
    });

    it('gives the broadcast function the worker’s name and the fan-out settings from parameters, with EnableFanOut only', () => {
      const withWorkers = (value: unknown) => ({ 'Fn::If': ['FanOutEnabled', value, NO_VALUE] });
      expect(broadcast.Properties?.Environment.Variables).to.deep.include({
        FAN_OUT_WORKER_FUNCTION: withWorkers({ Ref: 'FanOutWorkerFunction' }),
        FAN_OUT_THRESHOLD: withWorkers({ Ref: 'FanOutThreshold' }),
        FAN_OUT_WORKERS: withWorkers({ Ref: 'FanOutWorkers' }),
      });
      expect(template.Parameters?.FanOutThreshold).to.deep.include({ Type: 'Number', Default: 10000 });
      expect(template.Parameters?.FanOutWorkers).to.deep.include({ Type: 'Number', Default: 10 });
    });

    it('is never retried (a retry would post twice), expires after 5 minutes, and sends failures to an encrypted queue that keeps them', () => {
      const config = worker.Properties?.EventInvokeConfig;
      expect(config.MaximumRetryAttempts).to.equal(0);
      expect(config.MaximumEventAgeInSeconds).to.equal(300);
      expect(config.DestinationConfig).to.deep.equal({
        OnFailure: { Type: 'SQS', Destination: { 'Fn::GetAtt': ['FanOutFailureQueue', 'Arn'] } },
      });
      const queue = resources.FanOutFailureQueue;
      expect(queue.Type).to.equal('AWS::SQS::Queue');
      expect(queue.Properties).to.deep.equal({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
      expect(config.DestinationConfig.OnFailure.Type).to.equal('SQS');
    });

    it('runs on one full vCPU, and reserves concurrency only when FanOutWorkerConcurrency asks (none by default)', () => {
      expect(worker.Properties?.MemorySize).to.equal(1769);
      // The broadcast function posts below the threshold: one full vCPU too (README "What it costs").
      expect(resources.BroadcastFunction.Properties?.MemorySize).to.equal(1769);
      expect(worker.Properties?.ReservedConcurrentExecutions).to.deep.equal({
        'Fn::If': ['WorkerConcurrencyReserved', { Ref: 'FanOutWorkerConcurrency' }, NO_VALUE],
      });
      expect(template.Parameters?.FanOutWorkerConcurrency).to.deep.include({ Type: 'String', Default: '' });
      // Empty and 0 reserve nothing; 00 or 05 (a reservation of 0 would stop the worker) is refused.
      const pattern = new RegExp(template.Parameters?.FanOutWorkerConcurrency.AllowedPattern);
      expect(['', '0', '1', '20', '1000'].filter((value) => pattern.test(value))).to.have.length(5);
      expect(['00', '05', '-1', '2.5', ' 1', 'x'].filter((value) => pattern.test(value))).to.deep.equal([]);
      expect(template.Conditions?.WorkerConcurrencyReserved).to.deep.equal({
        'Fn::And': [
          { Condition: 'FanOutEnabled' },
          { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'FanOutWorkerConcurrency' }, ''] }] },
          { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'FanOutWorkerConcurrency' }, '0'] }] },
        ],
      });
      // No function reserves concurrency unconditionally: a new account's low limit would fail the stack.
      for (const [logicalId, fn] of functions) {
        const reserved = fn.Properties?.ReservedConcurrentExecutions;
        if (reserved !== undefined) expect(reserved, logicalId).to.have.property('Fn::If');
      }
    });
  });

  describe('asynchronous invocations', () => {
    /** Functions some policy lets invoke: the code invokes them asynchronously (InvocationType Event). */
    const invokedAsync = [
      ...new Set(
        functions.flatMap(([, fn]) =>
          statementsOf(fn)
            .filter((statement) => statement.Action === 'lambda:InvokeFunction')
            .map((statement) => (statement.Resource as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]),
        ),
      ),
    ];

    it('are the fan-out worker’s only', () => {
      expect(invokedAsync).to.deep.equal(['FanOutWorkerFunction']);
    });

    for (const logicalId of invokedAsync) {
      it(`${logicalId}: bounded in age and retries, with an on-failure queue`, () => {
        const config = resources[logicalId].Properties?.EventInvokeConfig;
        // Lambda's ranges (API FunctionEventInvokeConfig): 60 to 21,600 s, 0 to 2 retries.
        expect(config.MaximumEventAgeInSeconds).to.be.a('number').within(60, 21_600);
        expect(config.MaximumRetryAttempts).to.be.a('number').within(0, 2);
        expect(config.DestinationConfig.OnFailure.Type).to.equal('SQS');
      });
    }

    it('each on-failure queue has an alarm on visible messages, notifying where the broadcast alarm does', () => {
      const queues = functions.flatMap(([, fn]) => {
        const destination = fn.Properties?.EventInvokeConfig?.DestinationConfig?.OnFailure?.Destination;
        return destination ? [(destination as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]] : [];
      });
      expect(queues).to.have.length.greaterThan(0);
      const alarms = ofType('AWS::CloudWatch::Alarm');
      for (const queue of queues) {
        const watching = alarms.filter(([, alarm]) => JSON.stringify(alarm.Properties?.Dimensions ?? []).includes(`"${queue}"`));
        expect(watching, `alarms on ${queue}`).to.have.length(1);
        const [[alarmId, alarm]] = watching;
        expect(alarm.Condition, alarmId).to.equal(resources[queue].Condition);
        expect(alarm.Properties).to.deep.include({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
          TreatMissingData: 'notBreaching',
        });
        for (const actions of ['AlarmActions', 'OKActions']) {
          expect(alarm.Properties?.[actions], `${alarmId} ${actions}`).to.deep.equal(resources.BroadcastFailureAlarm.Properties?.[actions]);
        }
      }
    });
  });

  it('outputs the wss:// URL, the @connections URL and the table name', () => {
    const outputs = template.Outputs as Record<string, { Value: { 'Fn::Sub'?: string; Ref?: string } }>;
    expect(outputs.WebSocketUrl.Value['Fn::Sub']).to.match(/^wss:\/\/\$\{WebSocketApi\}\.execute-api\..*\/\$\{StageName\}$/);
    expect(outputs.ConnectionsUrl.Value['Fn::Sub']).to.match(/^https:\/\/.*\/\$\{StageName\}\/@connections$/);
    expect(outputs.ConnectionsTableName.Value).to.deep.equal({ Ref: 'ConnectionsTable' });
  });
});
