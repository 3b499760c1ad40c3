import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { broadcastPoster, LeanPosters, SdkPosters } from '../../../functions/shared/posters.js';

describe('posters (one interface: the lean poster and the SDK client it replaces)', () => {
  let api: AwsClientStub<ApiGatewayManagementApiClient>;
  let server: Server;
  let endpoint: string;
  const received: { url: string; port: number; body: string }[] = [];

  before(async () => {
    api = mockClient(ApiGatewayManagementApiClient);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        received.push({ url: req.url!, port: req.socket.remotePort!, body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
  });
  after(async () => {
    api.restore();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(() => {
    api.reset();
    received.length = 0;
  });

  it('SdkPosters: sends PostToConnectionCommand through the SDK client', async () => {
    api.on(PostToConnectionCommand).resolves({});
    await new SdkPosters().forEndpoint(endpoint, 4).post('id=', Buffer.from('hei'));
    const input = api.commandCalls(PostToConnectionCommand)[0].args[0].input;
    expect(input.ConnectionId).to.equal('id=');
    expect(Buffer.from(input.Data as Uint8Array).toString()).to.equal('hei');
    expect(received).to.have.length(0);
  });

  it('LeanPosters: posts over HTTP without the SDK client, one poster (and keep-alive pool) per endpoint and pool size', async () => {
    const posters = new LeanPosters();
    await posters.forEndpoint(endpoint, 1).post('id=', Buffer.from('hei'));
    await posters.forEndpoint(endpoint, 1).post('other=', Buffer.from('moi'));
    expect(posters.forEndpoint(endpoint, 1)).to.equal(posters.forEndpoint(endpoint, 1));
    expect(posters.forEndpoint(endpoint, 1)).to.not.equal(posters.forEndpoint(endpoint, 2));
    expect(new LeanPosters().forEndpoint(endpoint, 1), 'another container’s').to.not.equal(posters.forEndpoint(endpoint, 1));
    expect(api.commandCalls(PostToConnectionCommand)).to.have.length(0);
    expect(received.map(({ url, body }) => ({ url, body }))).to.deep.equal([
      { url: '/dev/@connections/id%3D', body: 'hei' },
      { url: '/dev/@connections/other%3D', body: 'moi' },
    ]);
    // The second call reused the first one's poster, so its kept-alive socket.
    expect(received[1].port).to.equal(received[0].port);
  });

  it('broadcastPoster: the given posters, with a pool as large as the posts in flight (unbounded: the default pool)', async () => {
    const bounded = broadcastPoster({ posters: new LeanPosters(), concurrency: 1 }, `${endpoint}/bounded`);
    await Promise.all([bounded.post('a=', Buffer.from('1')), bounded.post('b=', Buffer.from('2'))]);
    // A pool of one socket: both posts went over it, one after the other.
    expect(new Set(received.map(({ port }) => port)).size).to.equal(1);
    received.length = 0;
    const unbounded = broadcastPoster({ posters: new LeanPosters(), concurrency: Number.POSITIVE_INFINITY }, `${endpoint}/unbounded`);
    await Promise.all([unbounded.post('a=', Buffer.from('1')), unbounded.post('b=', Buffer.from('2'))]);
    expect(new Set(received.map(({ port }) => port)).size).to.equal(2);
    api.on(PostToConnectionCommand).resolves({});
    await broadcastPoster({ posters: new SdkPosters(), concurrency: 4 }, endpoint).post('id=', Buffer.from('hei'));
    expect(api.commandCalls(PostToConnectionCommand)).to.have.length(1);
  });
});
