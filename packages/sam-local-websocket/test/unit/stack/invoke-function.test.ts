import { expect } from 'chai';
import sinon from 'sinon';
import { invokeFunction, type InvokeOptions } from '../../../src/stack/invoke-function.js';
import { GatewayNotRunningError, UnknownFunctionError } from '../../../src/errors.js';
import { fakeGatewayHandler, type FakeGateway } from '../../helpers/fake-gateway.js';
import { freedPort, serveOnFreePort, type TestServer } from 'websocket-test-clients';
import { CHAT_APP_TEMPLATE } from '../../helpers/fixtures.js';
import { rejection } from '../../helpers/rejection.js';

/** The functions of the test app's template with its parameters' defaults (no authorizer). */
const TEMPLATE_FUNCTIONS = ['ConnectFunction', 'DisconnectFunction', 'DefaultFunction', 'BroadcastFunction'];

/**
 * Every path here ends before a bundle is built or a container started (those are the
 * integration test's): an unknown function, or no gateway where the options point.
 */
describe('local/invoke-function', () => {
  let server: TestServer;
  let fake: FakeGateway;
  beforeEach(async () => {
    fake = { stageStatus: 426, tables: [], storeStatus: 200, requests: [] };
    server = await serveOnFreePort(fakeGatewayHandler(fake));
  });
  afterEach(() => server.close());

  const options = (overrides: Partial<InvokeOptions> = {}): InvokeOptions => ({
    functionName: 'BroadcastFunction',
    event: {},
    template: CHAT_APP_TEMPLATE,
    parameters: {},
    envVars: {},
    region: 'us-east-1',
    host: '127.0.0.1',
    port: server.port,
    dbPort: server.port,
    log: sinon.spy(),
    ...overrides,
  });
  const failure = (overrides: Partial<InvokeOptions>) => rejection(invokeFunction(options(overrides)));

  it('refuses a function the template does not declare, listing the template’s, before probing any gateway', async () => {
    const error = await failure({ functionName: 'NoSuchFunction' });
    expect(error).to.be.instanceOf(UnknownFunctionError).and.include({ code: 'unknown_function' });
    expect((error as UnknownFunctionError).functions).to.deep.equal(TEMPLATE_FUNCTIONS);
    expect(error.message).to.equal(`No function NoSuchFunction in ${CHAT_APP_TEMPLATE}. The template's functions: ${TEMPLATE_FUNCTIONS.join(', ')}`);
    expect(fake.requests).to.deep.equal([]);
  });

  it('names the Condition that leaves a function out with these parameters', async () => {
    const error = await failure({ functionName: 'AuthorizerFunction' });
    expect(error).to.be.instanceOf(UnknownFunctionError);
    expect(error.message).to.include('AuthorizerFunction is left out by its Condition TokenAuth with these parameters');
  });

  it('does not take a resource that is no function for one, with a Condition or without', async () => {
    for (const name of ['WebSocketApi', 'ConnectAuthorizer']) {
      const error = await failure({ functionName: name });
      expect(error).to.be.instanceOf(UnknownFunctionError);
      expect(error.message.startsWith(`No function ${name} in ${CHAT_APP_TEMPLATE}.`), error.message).to.equal(true);
    }
  });

  it('takes a function its parameters switch on, and goes on to look for the gateway', async () => {
    const error = await failure({ functionName: 'AuthorizerFunction', parameters: { AuthToken: 'secret' }, port: await freedPort() });
    expect(error).to.be.instanceOf(GatewayNotRunningError);
  });

  it('probes the template’s stage, or the one it is given, and needs the template’s tables', async () => {
    const byDefault = await failure({});
    const byParameter = await failure({ parameters: { StageName: 'beta' } });
    const byOption = await failure({ stage: 'prod' });
    expect(fake.requests.filter((request) => request.method === 'GET').map((request) => request.url)).to.deep.equal(['/dev', '/beta', '/prod']);
    for (const error of [byDefault, byParameter, byOption]) {
      expect(error).to.be.instanceOf(GatewayNotRunningError);
      expect(error.message).to.match(/has no table ConnectionsTable: is it this template's gateway\?/);
    }
  });
});
