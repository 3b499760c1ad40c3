import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { ConfigError } from '../../../functions/shared/errors.js';
import { isGone, ManagementClients, managementEndpoint } from '../../../functions/shared/management.js';

describe('management', () => {
  let api: AwsClientStub<ApiGatewayManagementApiClient>;
  before(() => (api = mockClient(ApiGatewayManagementApiClient)));
  after(() => api.restore());
  afterEach(() => api.reset());

  it('derives the endpoint from the event and region', () => {
    expect(managementEndpoint({ apiId: 'abc123', stage: 'dev' }, { region: 'eu-north-1' })).to.equal('https://abc123.execute-api.eu-north-1.amazonaws.com/dev');
  });

  it('takes the host suffix from the region’s partition, not a fixed amazonaws.com', () => {
    const endpointIn = (region: string) => managementEndpoint({ apiId: 'abc123', stage: 'dev' }, { region });
    expect(endpointIn('cn-north-1')).to.equal('https://abc123.execute-api.cn-north-1.amazonaws.com.cn/dev');
    expect(endpointIn('cn-northwest-1')).to.equal('https://abc123.execute-api.cn-northwest-1.amazonaws.com.cn/dev');
    expect(endpointIn('eusc-de-east-1')).to.equal('https://abc123.execute-api.eusc-de-east-1.amazonaws.eu/dev');
    expect(endpointIn('us-gov-west-1')).to.equal('https://abc123.execute-api.us-gov-west-1.amazonaws.com/dev');
  });

  it('lets an explicit endpoint win', () => {
    expect(managementEndpoint({ apiId: 'abc123', stage: 'dev' }, { override: 'http://127.0.0.1:3001/dev', region: 'eu-north-1' })).to.equal(
      'http://127.0.0.1:3001/dev',
    );
  });

  it('fails clearly with neither a region nor an override', () => {
    expect(() => managementEndpoint({ apiId: 'a', stage: 'dev' }, {})).to.throw(ConfigError, /AWS_REGION/);
  });

  it('creates one client per endpoint and pool size, and reuses it for the container’s life', () => {
    const clients = new ManagementClients();
    expect(clients.client('http://a/dev')).to.equal(clients.client('http://a/dev'));
    expect(clients.client('http://a/dev')).to.not.equal(clients.client('http://b/dev'));
    expect(clients.client('http://a/dev', 200)).to.equal(clients.client('http://a/dev', 200));
    expect(clients.client('http://a/dev', 200)).to.not.equal(clients.client('http://a/dev'));
    expect(new ManagementClients().client('http://a/dev'), 'another container’s').to.not.equal(clients.client('http://a/dev'));
  });

  it('posts the data as bytes to the connection', async () => {
    api.on(PostToConnectionCommand).resolves({});
    await new ManagementClients().post('http://a/dev', 'id=', 'Tervehdys kaikille!');
    const input = api.commandCalls(PostToConnectionCommand)[0].args[0].input;
    expect(input.ConnectionId).to.equal('id=');
    expect(Buffer.from(input.Data as Uint8Array).toString()).to.equal('Tervehdys kaikille!');
  });

  it('recognises GoneException by name, as SDK v3 throws it (there is no statusCode)', () => {
    expect(isGone(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }))).to.equal(true);
    expect(isGone(Object.assign(new Error('x'), { statusCode: 410 }))).to.equal(false);
    expect(isGone(undefined)).to.equal(false);
  });
});
