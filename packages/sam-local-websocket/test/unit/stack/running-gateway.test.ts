import { expect } from 'chai';
import { findRunningGateway } from '../../../src/stack/running-gateway.js';
import { GatewayNotRunningError } from '../../../src/errors.js';
import { fakeGatewayHandler, type FakeGateway } from '../../helpers/fake-gateway.js';
import { freedPort, serveOnFreePort, type TestServer } from 'websocket-test-clients';
import { rejection } from '../../helpers/rejection.js';

describe('local/running-gateway', () => {
  let server: TestServer;
  let fake: FakeGateway;
  beforeEach(async () => {
    fake = { stageStatus: 426, tables: ['Connections', 'Other'], storeStatus: 200, requests: [] };
    server = await serveOnFreePort(fakeGatewayHandler(fake));
  });
  afterEach(() => server.close());

  const address = (overrides: Partial<Parameters<typeof findRunningGateway>[0]> = {}) => ({
    host: '127.0.0.1',
    port: server.port,
    dbPort: server.port,
    stage: 'dev',
    tables: ['Connections'],
    ...overrides,
  });

  /** The error a probe failed with. */
  const failure = (overrides: Partial<Parameters<typeof findRunningGateway>[0]> = {}) => rejection(findRunningGateway(address(overrides)));

  it('finds a gateway whose stage asks for an upgrade and whose store holds the tables, and names its endpoints', async () => {
    expect(await findRunningGateway(address())).to.deep.equal({
      managementEndpoint: `http://127.0.0.1:${server.port}/dev`,
      dbEndpoint: `http://127.0.0.1:${server.port}`,
    });
    expect(fake.requests).to.deep.equal([
      { method: 'GET', url: '/dev', target: undefined },
      { method: 'POST', url: '/', target: 'DynamoDB_20120810.ListTables' },
    ]);
  });

  it('names a port nothing listens on, with the connection’s error as the cause; the store is not probed', async () => {
    const port = await freedPort();
    const error = await failure({ port });
    expect(error).to.be.instanceOf(GatewayNotRunningError).and.include({ code: 'gateway_not_running' });
    expect(error.message).to.equal(`no local gateway at http://127.0.0.1:${port} (ECONNREFUSED): start one (sam-local-websocket), or pass --port`);
    expect(error.cause).to.be.instanceOf(TypeError); // fetch's, its own cause the ECONNREFUSED
    expect(fake.requests).to.deep.equal([]);
  });

  it('names a server that is not a gateway serving the stage, with what it answered', async () => {
    fake.stageStatus = 404;
    const error = await failure({ stage: 'prod' });
    expect(error).to.be.instanceOf(GatewayNotRunningError);
    expect(error.message).to.equal(
      `http://127.0.0.1:${server.port} is not a local gateway serving stage "prod" (GET http://127.0.0.1:${server.port}/prod answered 404): pass --port, or --stage / --parameter StageName=`,
    );
    expect(fake.requests.map((request) => request.method)).to.deep.equal(['GET']);
  });

  it('names a DynamoDB port nothing listens on, with the cause', async () => {
    const dbPort = await freedPort();
    const error = await failure({ dbPort });
    expect(error).to.be.instanceOf(GatewayNotRunningError);
    expect(error.message).to.equal(`no local DynamoDB at http://127.0.0.1:${dbPort} (ECONNREFUSED): pass the gateway's --db-port`);
    expect(error.cause).to.be.an('error');
  });

  it('names a store that answers ListTables with an error, by the error’s name, on the first attempt', async () => {
    fake.storeStatus = 500;
    const error = await failure();
    expect(error.message).to.equal(`no local DynamoDB at http://127.0.0.1:${server.port} (InternalServerError): pass the gateway's --db-port`);
    expect(error.cause).to.have.property('name', 'InternalServerError');
    expect(fake.requests.filter((request) => request.method === 'POST')).to.have.length(1);
  });

  it('names the tables the store does not hold', async () => {
    const error = await failure({ tables: ['Connections', 'Missing', 'Gone'] });
    expect(error).to.be.instanceOf(GatewayNotRunningError);
    expect(error.message).to.equal(
      `the DynamoDB at http://127.0.0.1:${server.port} has no table Missing, Gone: is it this template's gateway? (pass --db-port)`,
    );
  });

  it('puts an IPv6 host in brackets', async () => {
    const error = await failure({ host: '::1', port: await freedPort() });
    expect(error.message).to.match(/^no local gateway at http:\/\/\[::1\]:\d+ \(/);
  });
});
