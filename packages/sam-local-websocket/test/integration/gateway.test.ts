/** The local gateway's API Gateway behaviour, checked through real sockets and the unmodified SDK v3 clients. */
import { DeleteConnectionCommand, GetConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { request } from 'node:http';
import { CLOSE_CODES } from '../../src/api-gateway/constants.js';
import { connect, eventually, refusedStatus, type TestClient } from 'websocket-test-clients';
import { PAGE_DIR } from '../helpers/fixtures.js';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

/** Resolves with the error an SDK call rejected with. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error) => error as Error & { $metadata: { httpStatusCode?: number; requestId?: string } },
  );

describe('local gateway', function () {
  this.timeout(30_000);
  let local: LocalGateway;
  const clients: TestClient[] = [];
  const open = async () => {
    const client = await connect(local.gateway.url, { 'User-Agent': 'gateway-test/1.0' });
    clients.push(client);
    return client;
  };

  before(async () => {
    local = await startLocalGateway({ page: PAGE_DIR });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  after(async () => {
    await local.close();
  });

  describe('@connections through ApiGatewayManagementApiClient', () => {
    it('POST delivers the raw body to that client', async () => {
      const [a, b] = [await open(), await open()];
      await local.management.send(new PostToConnectionCommand({ ConnectionId: connectionIdOf(local, b), Data: Buffer.from('just for b') }));
      expect(await b.next()).to.equal('just for b');
      expect(a.pending()).to.deep.equal([]);
    });

    it('GET describes the connection', async () => {
      const before = Date.now();
      const client = await open();
      const answer = await local.management.send(new GetConnectionCommand({ ConnectionId: connectionIdOf(local, client) }));
      expect(answer.$metadata.httpStatusCode).to.equal(200);
      expect(answer.ConnectedAt).to.be.instanceOf(Date);
      expect(answer.ConnectedAt!.getTime()).to.be.within(before - 1000, Date.now());
      expect(answer.LastActiveAt).to.be.instanceOf(Date);
      expect(answer.Identity).to.deep.equal({ SourceIp: '127.0.0.1', UserAgent: 'gateway-test/1.0' });
    });

    it('DELETE closes the connection (204) and $disconnect removes its record', async () => {
      const client = await open();
      const id = connectionIdOf(local, client);
      const answer = await local.management.send(new DeleteConnectionCommand({ ConnectionId: id }));
      expect(answer.$metadata.httpStatusCode).to.equal(204);
      expect((await client.closed).code).to.equal(CLOSE_CODES.normal);
      await eventually(async () => !(await local.stored(id)));
    });

    it('answers 410 GoneException for an unknown or closed id', async () => {
      const client = await open();
      const id = connectionIdOf(local, client);
      await client.close();
      for (const connectionId of [id, 'bmV2ZXJFeGlzdGU=']) {
        const error = await failure(local.management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('x') })));
        expect(error.name).to.equal('GoneException');
        expect(error.$metadata.httpStatusCode).to.equal(410);
        expect((await failure(local.management.send(new GetConnectionCommand({ ConnectionId: connectionId })))).name).to.equal('GoneException');
      }
    });

    it('answers 400 BadRequestException for a malformed id, and every answer carries x-amzn-RequestId', async () => {
      for (const connectionId of ['test-connection-123', 'abc=', 'BFHPhfCWIAMCKlQ==']) {
        const error = await failure(local.management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('x') })));
        expect([error.name, error.$metadata.httpStatusCode, error.message], connectionId).to.deep.equal(['BadRequestException', 400, 'Invalid connectionId']);
        expect(error.$metadata.requestId).to.match(/^[0-9a-f-]{36}$/);
      }
      const client = await open();
      const answer = await local.management.send(new PostToConnectionCommand({ ConnectionId: connectionIdOf(local, client), Data: Buffer.from('x') }));
      expect(answer.$metadata.requestId).to.match(/^[0-9a-f-]{36}$/);
    });

    it('answers 413 PayloadTooLargeException for a body over 128 KB', async () => {
      const client = await open();
      const error = await failure(
        local.management.send(new PostToConnectionCommand({ ConnectionId: connectionIdOf(local, client), Data: Buffer.alloc(128 * 1024 + 1, 97) })),
      );
      expect(error.name).to.equal('PayloadTooLargeException');
      expect(error.$metadata.httpStatusCode).to.equal(413);
      expect(client.pending()).to.deep.equal([]);
    });

    it('accepts a body of exactly 128 KB', async () => {
      const client = await open();
      await local.management.send(new PostToConnectionCommand({ ConnectionId: connectionIdOf(local, client), Data: Buffer.alloc(128 * 1024, 97) }));
      expect((await client.next()).length).to.equal(128 * 1024);
    });
  });

  describe('HTTP', () => {
    const status = (path: string, method = 'GET') =>
      new Promise<number>((resolve, reject) => {
        const call = request({ host: '127.0.0.1', port: local.gateway.port, path, method }, (response) => {
          response.resume();
          resolve(response.statusCode!);
        });
        call.on('error', reject).end();
      });

    it('answers 426 to a plain request on the stage, 403 elsewhere, and serves the page at /', async () => {
      expect(await status(`/${local.gateway.stage}`)).to.equal(426);
      expect(await status('/other/@connections/abc')).to.equal(403);
      expect(await status('/nothing-here')).to.equal(403);
      expect(await status('/')).to.equal(200);
      expect(await status('/app.js')).to.equal(200);
      expect(await status('/', 'POST')).to.equal(403);
    });
  });

  describe('limits', () => {
    it('closes an idle connection with 1001, and at the maximum duration', async () => {
      const short = await startLocalGateway({ idleTimeoutMs: 300, maxDurationMs: 60_000 });
      const long = await startLocalGateway({ idleTimeoutMs: 60_000, maxDurationMs: 400 });
      try {
        // The idle timer starts when the handshake completes: at least 300 ms after the handshake
        // began, and well within 3 s of the open (a cold $connect under load can take seconds,
        // so the upper bound is not timed from before the handshake).
        const started = Date.now();
        const idle = await connect(short.gateway.url);
        const opened = Date.now();
        expect((await idle.closed).code).to.equal(CLOSE_CODES.goingAway);
        expect(Date.now() - started).to.be.at.least(250);
        expect(Date.now() - opened).to.be.below(3000);

        const busy = await connect(long.gateway.url);
        const timer = setInterval(() => busy.socket.send('keep talking'), 50);
        const code = (await busy.closed).code;
        clearInterval(timer);
        expect(code).to.equal(CLOSE_CODES.goingAway);
      } finally {
        await short.close();
        await long.close();
      }
    });
  });

  describe('a failing $connect', () => {
    it('refuses the handshake with the handler’s 500, and nothing is stored', async () => {
      const broken = await startLocalGateway();
      try {
        await broken.dynamo.send(new DeleteTableCommand({ TableName: broken.tableName }));
        expect(await refusedStatus(broken.gateway.url)).to.equal(500);
        expect(broken.gateway.registry.size).to.equal(0);
        expect(broken.invocations.some((outcome) => outcome.route === '$connect' && outcome.status === 500)).to.equal(true);
      } finally {
        await broken.close();
      }
    });
  });
});
