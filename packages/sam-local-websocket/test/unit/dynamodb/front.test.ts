import { expect } from 'chai';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import sinon from 'sinon';
import type { LocalIam } from '../../../src/iam/authority.js';
import { dynamoDbRefusalMessage, startDynamoDbFront, type DynamoDbFront } from '../../../src/dynamodb/front.js';
import type { IamRefusal } from '../../../src/iam/refusal.js';
import type { ReceivedRequest } from '../../../src/iam/signature.js';
import { serveOnFreePort, type TestServer } from 'websocket-test-clients';
import { recordingIam } from '../../helpers/iam.js';
import { signedRequest } from '../../helpers/sigv4.js';
import { rejection } from '../../helpers/rejection.js';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/T';
const policies = new Map([
  [
    'ConnectFunction',
    [
      { effect: 'Allow' as const, actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem'], resources: [TABLE] },
      { effect: 'Deny' as const, actions: ['dynamodb:DeleteItem'], resources: [TABLE] },
    ],
  ],
]);
const STORE_ANSWER = { Item: { id: { S: 'from the store' } } };

/** Sends a request as it is (headers included) and reads the answer. */
function send(endpoint: string, request: Pick<ReceivedRequest, 'method' | 'headers'> & { body: Buffer }) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const outgoing = httpRequest(`${endpoint}/`, { method: request.method, headers: request.headers }, (answer) => {
      let body = '';
      answer.on('data', (chunk) => (body += chunk));
      answer.on('end', () => resolve({ status: answer.statusCode!, headers: answer.headers, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

describe('local/iam/dynamodb-front', () => {
  let store: TestServer;
  let stored: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
  let refusals: IamRefusal[];
  let iam: LocalIam;
  let front: DynamoDbFront;
  let client: DynamoDBClient;
  beforeEach(async () => {
    stored = [];
    store = await serveOnFreePort((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        stored.push({ method: request.method!, url: request.url!, headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'store-request' }).end(JSON.stringify(STORE_ANSWER));
      });
    });
    ({ iam, refusals } = recordingIam(policies));
    front = await startDynamoDbFront(iam, store.origin, '127.0.0.1');
    client = functionClient(iam.credentialsOf('ConnectFunction'));
  });
  afterEach(async () => {
    client.destroy();
    await front.close();
    await store.close();
  });

  const functionClient = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new DynamoDBClient({ endpoint: front.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const getItem = new GetItemCommand({ TableName: 'T', Key: { id: { S: '1' } } });

  it('passes an allowed call to the store unchanged, and the store’s answer back', async () => {
    const answer = await client.send(getItem);
    expect(answer.Item).to.deep.equal(STORE_ANSWER.Item);
    expect(answer.$metadata.requestId).to.equal('store-request');
    expect(stored).to.have.length(1);
    expect(stored[0]).to.include({ method: 'POST', url: '/' });
    expect(stored[0].headers).to.include({ 'x-amz-target': 'DynamoDB_20120810.GetItem' });
    expect(stored[0].headers.authorization).to.match(/^AWS4-HMAC-SHA256 Credential=LOCALFN-ConnectFunction\//);
    expect(JSON.parse(stored[0].body)).to.deep.equal({ TableName: 'T', Key: { id: { S: '1' } } });
    expect(refusals).to.deep.equal([]);
  });

  it('passes a developer’s call (credentials it did not issue) on', async () => {
    const developer = functionClient({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' });
    try {
      await developer.send(new PutItemCommand({ TableName: 'Anything', Item: { id: { S: '1' } } }));
    } finally {
      developer.destroy();
    }
    expect(stored).to.have.length(1);
  });

  it('refuses what the policy does not allow with DynamoDB’s own AccessDeniedException (400), never reaching the store', async () => {
    const error = await rejection(client.send(new PutItemCommand({ TableName: 'T', Item: { id: { S: '1' } } })));
    expect(error).to.include({ name: 'AccessDeniedException' });
    expect(error.$metadata?.httpStatusCode).to.equal(400);
    expect(error.message).to.equal(
      `User: arn:aws:sts::000000000000:assumed-role/ConnectFunctionRole/ConnectFunction is not authorized to perform: dynamodb:PutItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
    );
    expect(refusals).to.deep.equal([
      {
        service: 'dynamodb',
        function: 'ConnectFunction',
        action: 'dynamodb:PutItem',
        resource: TABLE,
        error: 'AccessDeniedException',
        status: 400,
        reason: 'no identity-based policy allows it',
      },
    ]);
    expect(stored).to.deep.equal([]);
  });

  it('words an explicit deny as AWS does', async () => {
    const error = await rejection(client.send(new DeleteItemCommand({ TableName: 'T', Key: { id: { S: '1' } } })));
    expect(error.message).to.match(/is not authorized to perform: dynamodb:DeleteItem on resource: .+ with an explicit deny in an identity-based policy$/);
  });

  it('refuses a signature made with another secret with InvalidSignatureException', async () => {
    const forger = functionClient({ accessKeyId: 'LOCALFN-ConnectFunction', secretAccessKey: 'guessed' });
    const error = await rejection(forger.send(getItem));
    forger.destroy();
    expect(error).to.include({ name: 'InvalidSignatureException' });
    expect(error.message).to.match(/^The request signature we calculated does not match/);
    expect(stored).to.deep.equal([]);
  });

  it('refuses an unsigned call with 400 and DynamoDB’s JSON error', async () => {
    const answer = await send(front.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'DynamoDB_20120810.Scan' },
      body: Buffer.from('{"TableName":"T"}'),
    });
    expect(answer.status).to.equal(400);
    expect(answer.headers).to.include({ 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'MissingAuthenticationTokenException' });
    expect(JSON.parse(answer.body)).to.deep.equal({
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
    expect(refusals).to.have.length(1);
  });

  it('checks a target it cannot read as that action, on any resource, and refuses it to a function', async () => {
    const host = new URL(front.endpoint).host;
    const received = await signedRequest({
      credentials: iam.credentialsOf('ConnectFunction'),
      service: 'dynamodb',
      host,
      path: '/',
      body: '{',
      headers: { 'x-amz-target': 'Nonsense' },
    });
    const answer = await send(front.endpoint, received);
    expect(answer.status).to.equal(400);
    expect(refusals).to.deep.equal([
      {
        service: 'dynamodb',
        function: 'ConnectFunction',
        action: 'dynamodb:Nonsense',
        resource: '*',
        error: 'AccessDeniedException',
        status: 400,
        reason: 'no identity-based policy allows it',
      },
    ]);
    expect(stored).to.deep.equal([]);
  });

  it('answers a body past DynamoDB’s 16 MB with 413, passing nothing on', async () => {
    const answer = await send(front.endpoint, { method: 'POST', headers: {}, body: Buffer.alloc(16 * 1024 * 1024 + 1, 0x20) });
    expect(answer.status).to.equal(413);
    expect(JSON.parse(answer.body)).to.deep.equal({ __type: 'com.amazon.coral.service#RequestEntityTooLarge', message: 'Request must be smaller than 16 MB' });
    expect(stored).to.deep.equal([]);
  });

  it('drops the caller’s connection when the store is unreachable, as the store’s own would', async () => {
    await store.close();
    const error = await rejection(client.send(getItem));
    expect(error).to.be.an('error');
    expect(error.name).to.not.be.oneOf(['AccessDeniedException', 'InternalServerError']);
    expect(error.code ?? error.name).to.match(/ECONNRESET|socket hang up|TimeoutError/);
  });

  it('answers 500 InternalServerError when its own check fails, never throwing out of the server', async () => {
    sinon.stub(iam, 'refused').throws(new Error('the hook broke'));
    const error = await rejection(client.send(new PutItemCommand({ TableName: 'T', Item: { id: { S: '1' } } })));
    expect(error).to.include({ name: 'InternalServerError', message: 'the hook broke' });
  });

  it('puts an IPv6 host in brackets in its endpoint, and serves there', async () => {
    const ipv6 = await startDynamoDbFront(iam, store.origin, '::1');
    try {
      expect(ipv6.endpoint).to.match(/^http:\/\/\[::1\]:\d+$/);
      expect((await send(ipv6.endpoint, { method: 'POST', headers: {}, body: Buffer.from('{}') })).status).to.equal(400);
    } finally {
      await ipv6.close();
    }
  });

  it('words each refusal as AWS does', () => {
    const base = { service: 'dynamodb' as const, status: 400 };
    expect(dynamoDbRefusalMessage(iam, { ...base, error: 'MissingAuthenticationTokenException', reason: 'x' })).to.equal(
      'Request is missing Authentication Token',
    );
    expect(dynamoDbRefusalMessage(iam, { ...base, function: 'F', error: 'InvalidSignatureException', reason: 'x' })).to.match(
      /^The request signature we calculated/,
    );
  });
});
