/**
 * The local IAM: functions hold to their template policies through the unmodified SDK, refusals
 * look as on AWS, @connections demands a signature, and anyone else's credentials are an admin's.
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { resolve } from 'node:path';
import { connect, type TestClient } from 'websocket-test-clients';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';
import { addRoute, templateCopy } from '../helpers/template-copy.js';
import type { Template } from 'sam-local-websocket';

const TABLE_ARN = { 'Fn::GetAtt': ['ConnectionsTable', 'Arn'] };
const CONNECTIONS = (method: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${WebSocketApi}/\${StageName}/${method}/@connections/*`,
});
const allow = (Action: unknown, Resource: unknown) => ({ Statement: [{ Effect: 'Allow', Action, Resource }] });

/** Probe routes, each run by a function with its own policies. */
function withProbes(template: Template): void {
  const probe = (routeKey: string, policies: unknown[]) =>
    addRoute(template, routeKey, 'app.probe', { returnsBody: true, codeUri: resolve('tests/fixtures/iam'), policies });
  probe('notGranted', [allow('execute-api:ManageConnections', CONNECTIONS('POST')), allow('dynamodb:PutItem', TABLE_ARN)]);
  probe('denyWins', [allow('dynamodb:*', TABLE_ARN), { Statement: [{ Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: TABLE_ARN }] }]);
  probe('wildcards', [
    allow(['dynamodb:Get*', 'dynamodb:?utItem'], { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/Connections*' }),
    allow('execute-api:ManageConnections', CONNECTIONS('*')),
  ]);
  probe('crud', [{ DynamoDBCrudPolicy: { TableName: { Ref: 'ConnectionsTable' } } }]);
  probe('unknown', [{ SQSPollerPolicy: { QueueName: 'jobs' } }, 'AWSLambdaBasicExecutionRole']);
}

type CallResult = 'ok' | { name: string; status: number; message: string };

describe('local IAM', function () {
  this.timeout(60_000);
  let local: LocalGateway;
  let copy: ReturnType<typeof templateCopy>;
  let client: TestClient;
  let connectionId: string;
  const probe = async (route: string, calls: string[]): Promise<Record<string, CallResult>> => {
    client.socket.send(JSON.stringify({ action: route, calls }));
    return JSON.parse(await client.next(15_000));
  };
  const tableArn = () => `arn:aws:dynamodb:us-east-1:000000000000:table/${local.tableName}`;
  const denied = (result: CallResult) => (result === 'ok' ? result : result.name);

  before(async () => {
    copy = templateCopy(withProbes);
    local = await startLocalGateway({ template: copy.path });
    client = await connect(local.gateway.url);
    connectionId = connectionIdOf(local, client);
  });
  after(async () => {
    await client?.close();
    await local?.close();
    copy?.remove();
  });

  it('runs enforced by default, in the fixed local account and region, with a warning for what it cannot apply', () => {
    expect(local.gateway.iam).to.include({ mode: 'enforce', accountId: '000000000000', region: 'us-east-1' });
    expect(local.gateway.iam.functionsDbEndpoint).to.not.equal(local.gateway.dbEndpoint);
    expect(local.gateway.iam.warnings).to.have.length(2);
    expect(local.gateway.iam.warnings[0]).to.match(/UnknownFunction Policies\[0\]: policy template SQSPollerPolicy is not emulated/);
    expect(local.gateway.iam.warnings[1]).to.match(/managed policy "AWSLambdaBasicExecutionRole" is not emulated/);
  });

  it('lets the project’s own functions do everything they do (broadcast, $connect, $disconnect, $default)', async () => {
    const other = await connect(local.gateway.url);
    other.socket.send('{"action":"broadcast","data":"hello"}');
    expect(await other.next()).to.equal('hello');
    expect(await client.next()).to.equal('hello');
    other.socket.send('not json');
    expect(JSON.parse(await other.next())).to.have.property('error');
    await other.close();
    expect(local.refusals).to.deep.equal([]);
  });

  it('refuses GetConnection without the grant: ForbiddenException (403) through the unmodified SDK', async () => {
    const before = local.refusals.length;
    const result = await probe('notGranted', ['getConnection']);
    expect(result.getConnection).to.deep.include({ name: 'ForbiddenException', status: 403 });
    expect(local.refusals.slice(before)).to.deep.equal([
      {
        service: 'execute-api',
        function: 'NotGrantedFunction',
        action: 'execute-api:ManageConnections',
        resource: `arn:aws:execute-api:us-east-1:000000000000:${local.gateway.apiId}/dev/GET/@connections/${connectionId}`,
        error: 'ForbiddenException',
        status: 403,
        reason: 'no identity-based policy allows it',
      },
    ]);
  });

  it('refuses a Scan with only PutItem: AccessDeniedException (400) with AWS’s message; the PutItem goes through', async () => {
    const before = local.refusals.length;
    const result = await probe('notGranted', ['scan', 'putItem']);
    expect(result.putItem).to.equal('ok');
    expect(result.scan).to.deep.equal({
      name: 'AccessDeniedException',
      status: 400,
      message: `User: arn:aws:sts::000000000000:assumed-role/NotGrantedFunctionRole/NotGrantedFunction is not authorized to perform: dynamodb:Scan on resource: ${tableArn()} because no identity-based policy allows the dynamodb:Scan action`,
    });
    expect(local.refusals.slice(before)).to.have.length(1);
    expect(local.refusals[before]).to.include({ function: 'NotGrantedFunction', action: 'dynamodb:Scan', resource: tableArn() });
    await probe('crud', ['deleteItem']);
  });

  it('lets an explicit Deny beat an Allow', async () => {
    const result = await probe('denyWins', ['getItem', 'scan', 'deleteItem']);
    expect(result.getItem).to.equal('ok');
    expect(result.scan).to.equal('ok');
    expect(result.deleteItem).to.deep.include({ name: 'AccessDeniedException', status: 400 });
    expect((result.deleteItem as { message: string }).message).to.match(
      /dynamodb:DeleteItem on resource: .* with an explicit deny in an identity-based policy$/,
    );
  });

  it('grants what * and ? wildcards match, and no more', async () => {
    const result = await probe('wildcards', ['getItem', 'putItem', 'scan', 'deleteItem', 'describeOtherTable', 'getConnection']);
    expect(result.getItem).to.equal('ok');
    expect(result.putItem).to.equal('ok');
    expect(result.getConnection).to.equal('ok');
    expect([result.scan, result.deleteItem, result.describeOtherTable].map(denied)).to.deep.equal(Array(3).fill('AccessDeniedException'));
    await probe('crud', ['deleteItem']);
  });

  it('grants DynamoDBCrudPolicy’s actions on its table and its indexes, and no more', async () => {
    const result = await probe('crud', [
      'putItem',
      'getItem',
      'scan',
      'describeTable',
      'deleteItem',
      'queryIndex',
      'listTables',
      'describeOtherTable',
      'getConnection',
    ]);
    for (const call of ['putItem', 'getItem', 'scan', 'describeTable', 'deleteItem']) expect(result[call], call).to.equal('ok');
    // Allowed by IAM (table/NAME/index/*); the store then finds no such index.
    expect(denied(result.queryIndex)).to.equal('ValidationException');
    expect([result.listTables, result.describeOtherTable].map(denied)).to.deep.equal(['AccessDeniedException', 'AccessDeniedException']);
    expect(denied(result.getConnection)).to.equal('ForbiddenException');
  });

  it('grants nothing for a policy template it does not know', async () => {
    const result = await probe('unknown', ['scan']);
    expect(denied(result.scan)).to.equal('AccessDeniedException');
  });

  it('answers an unsigned @connections call with 403 Missing Authentication Token', async () => {
    const before = local.refusals.length;
    const response = await fetch(`${local.gateway.managementEndpoint}/@connections/${encodeURIComponent(connectionId)}`, { method: 'POST', body: 'sneaky' });
    expect(response.status).to.equal(403);
    expect(await response.json()).to.deep.equal({ message: 'Missing Authentication Token' });
    expect(local.refusals.slice(before)).to.deep.equal([
      { service: 'execute-api', error: 'MissingAuthenticationTokenException', status: 403, reason: 'the request is not signed' },
    ]);
    expect(client.pending()).to.deep.equal([]);
  });

  it('answers a function’s key id signed with a wrong secret with InvalidSignatureException (403; DynamoDB 400)', async () => {
    const credentials = { accessKeyId: local.gateway.iam.credentialsOf('BroadcastFunction').accessKeyId, secretAccessKey: 'not-the-secret' };
    const management = new ApiGatewayManagementApiClient({ region: 'us-east-1', endpoint: local.gateway.managementEndpoint, credentials, maxAttempts: 1 });
    const dynamo = new DynamoDBClient({ region: 'us-east-1', endpoint: local.gateway.iam.functionsDbEndpoint, credentials, maxAttempts: 1 });
    try {
      const post = await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'forged' })).catch((error) => error);
      expect(post).to.include({ name: 'InvalidSignatureException' });
      expect(post.$metadata.httpStatusCode).to.equal(403);
      const scan = await dynamo.send(new ScanCommand({ TableName: local.tableName })).catch((error) => error);
      expect(scan).to.include({ name: 'InvalidSignatureException' });
      expect(scan.$metadata.httpStatusCode).to.equal(400);
      expect(client.pending()).to.deep.equal([]);
    } finally {
      management.destroy();
      dynamo.destroy();
    }
  });

  it('accepts a function’s own credentials, held to its policy, from any SDK client', async () => {
    const credentials = local.gateway.iam.credentialsOf('BroadcastFunction');
    const management = new ApiGatewayManagementApiClient({ region: 'us-east-1', endpoint: local.gateway.managementEndpoint, credentials, maxAttempts: 1 });
    try {
      await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'as the broadcast function' }));
      expect(await client.next()).to.equal('as the broadcast function');
    } finally {
      management.destroy();
    }
  });

  it('treats the aws CLI’s dummy credentials as an administrator’s', async () => {
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const management = new ApiGatewayManagementApiClient({ region: 'us-east-1', endpoint: local.gateway.managementEndpoint, credentials });
    const dynamo = new DynamoDBClient({ region: 'us-east-1', endpoint: local.gateway.iam.functionsDbEndpoint, credentials });
    try {
      await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'from the CLI' }));
      expect(await client.next()).to.equal('from the CLI');
      expect((await dynamo.send(new ScanCommand({ TableName: local.tableName }))).Count).to.be.a('number');
    } finally {
      management.destroy();
      dynamo.destroy();
    }
  });

  it('answers an unsigned call to the functions’ DynamoDB endpoint as DynamoDB does', async () => {
    const response = await fetch(local.gateway.iam.functionsDbEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
    });
    expect(response.status).to.equal(400);
    expect(response.headers.get('x-amzn-errortype')).to.equal('MissingAuthenticationTokenException');
  });

  it('holds the policies to the stage served, also when --stage overrides StageName', async () => {
    const prod = await startLocalGateway({ stage: 'prod' });
    try {
      const sender = await connect(prod.gateway.url);
      sender.socket.send('{"action":"broadcast","data":"on prod"}');
      expect(await sender.next()).to.equal('on prod');
      await sender.close();
      expect(prod.refusals).to.deep.equal([]);
    } finally {
      await prod.close();
    }
  });

  describe('with --iam off', () => {
    let open: LocalGateway;
    before(async () => {
      open = await startLocalGateway({ template: copy.path, iam: 'off' });
    });
    after(async () => {
      await open?.close();
    });

    it('checks nothing: the probe’s calls go through and an unsigned @connections call is answered', async () => {
      const probeClient = await connect(open.gateway.url);
      try {
        probeClient.socket.send(JSON.stringify({ action: 'notGranted', calls: ['getConnection', 'scan'] }));
        expect(JSON.parse(await probeClient.next(15_000))).to.deep.equal({ getConnection: 'ok', scan: 'ok' });
        const id = connectionIdOf(open, probeClient);
        const response = await fetch(`${open.gateway.managementEndpoint}/@connections/${encodeURIComponent(id)}`, { method: 'POST', body: 'unsigned' });
        expect(response.status).to.equal(200);
        expect(await probeClient.next()).to.equal('unsigned');
        expect(open.gateway.iam).to.include({ mode: 'off', functionsDbEndpoint: open.gateway.dbEndpoint });
        expect(open.refusals).to.deep.equal([]);
      } finally {
        await probeClient.close();
      }
    });
  });
});
