import { expect } from 'chai';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sinon from 'sinon';
import { ConnectionRegistry } from '../../../src/api-gateway/connection-registry.js';
import { connectionsApi, CONNECTIONS_ERRORS, sendError, type ManagementHooks } from '../../../src/api-gateway/connections-api.js';
import { fakeConnection, socketOf } from './fakes.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * The API behind a real node:http server on port 0, as http.ts calls it: the id is the
 * request's path; `preRead` stands for a body the IAM guard already read.
 */
async function serve(
  registry: ConnectionRegistry,
  hooks?: ManagementHooks,
  preRead?: Buffer,
): Promise<{ server: Server; call: (method: string, id: string, body?: string | Buffer) => Promise<Answer> }> {
  const api = connectionsApi(registry, hooks);
  const server = createServer((request, response) => void api(request, response, decodeURIComponent(request.url!.slice(1)), preRead));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const call = (method: string, id: string, body?: string | Buffer) =>
    new Promise<Answer>((resolve, reject) => {
      const sent = httpRequest({ host: '127.0.0.1', port, method, path: `/${encodeURIComponent(id)}`, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      sent.on('error', reject);
      sent.end(body);
    });
  return { server, call };
}

const ID = 'BFHPhfCWIAMCKlQ=';

describe('connectionsApi (@connections)', () => {
  let registry: ConnectionRegistry;
  let server: Server | undefined;
  let clock: sinon.SinonFakeTimers | undefined;

  beforeEach(() => {
    registry = new ConnectionRegistry();
  });
  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  /** Serves the API over `registry`, remembering the server for afterEach. */
  const start = async (hooks?: ManagementHooks, preRead?: Buffer) => {
    const served = await serve(registry, hooks, preRead);
    server = served.server;
    return served.call;
  };

  const expectError = (answer: Answer, error: { status: number; type: string; message: string }) => {
    expect(answer.status).to.equal(error.status);
    expect(answer.headers['x-amzn-errortype']).to.equal(error.type);
    expect(answer.headers['content-type']).to.equal('application/json');
    expect(JSON.parse(answer.body)).to.deep.equal({ message: error.message });
  };

  describe('a connection whose close has begun', () => {
    for (const [what, begin] of [
      ['by the gateway (its close frame sent)', (socket: ReturnType<typeof socketOf>) => socket.close(1009, 'Frame too big')],
      ['by the client (its close frame received)', (socket: ReturnType<typeof socketOf>) => (socket.readyState = socket.CLOSING)],
    ] as const) {
      it(`${what} is gone: nothing more is delivered to it, and every method answers 410`, async () => {
        const connection = fakeConnection({ connectionId: ID });
        registry.add(connection);
        begin(socketOf(connection));
        const call = await start();
        for (const method of ['POST', 'GET', 'DELETE']) expectError(await call(method, ID, method === 'POST' ? 'late' : undefined), CONNECTIONS_ERRORS.gone);
        expect(socketOf(connection).send.callCount).to.equal(0);
      });
    }
  });

  describe('POST', () => {
    it('sends the body to the connection as one text frame, answers 200 with no body, and marks the connection active', async () => {
      const connection = fakeConnection({ connectionId: ID, lastActiveAt: 0 });
      registry.add(connection);
      const call = await start();
      clock = sinon.useFakeTimers({ now: Date.UTC(2026, 10, 30, 2, 0, 0), toFake: ['Date'] });
      const answer = await call('POST', ID, '{"hello":"wörld"}');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.equal('');
      expect(socketOf(connection).sent).to.deep.equal(['{"hello":"wörld"}']);
      expect(connection.lastActiveAt).to.equal(Date.UTC(2026, 10, 30, 2, 0, 0));
    });

    it('accepts a body of exactly 128 KB, and refuses one byte more with 413 PayloadTooLargeException, sending nothing', async () => {
      const connection = fakeConnection({ connectionId: ID });
      registry.add(connection);
      const call = await start();
      expect((await call('POST', ID, Buffer.alloc(128 * 1024, 'a'))).status).to.equal(200);
      expect(socketOf(connection).sent[0]).to.have.length(128 * 1024);
      expectError(await call('POST', ID, Buffer.alloc(128 * 1024 + 1, 'a')), CONNECTIONS_ERRORS.tooLarge);
      expect(socketOf(connection).send.callCount).to.equal(1);
    });

    it('answers 410 GoneException for a well-formed id it does not hold, 400 BadRequestException for a malformed one', async () => {
      registry.add(fakeConnection({ connectionId: ID }));
      const call = await start();
      for (const id of ['XFHPhfCWIAMCKlQ=', ID.toLowerCase()]) {
        expectError(await call('POST', id, 'data'), CONNECTIONS_ERRORS.gone);
      }
      for (const id of [`${ID} `, '../@connections', '%00', '__proto__', 'a'.repeat(2000), 'test-connection-123']) {
        for (const method of ['POST', 'GET', 'DELETE']) expectError(await call(method, id, 'data'), CONNECTIONS_ERRORS.invalidId);
      }
      expect(socketOf(registry.get(ID)!).send.callCount).to.equal(0);
    });

    it('judges the size before the id: an oversized body for a gone id is a 413', async () => {
      const call = await start();
      expectError(await call('POST', ID, Buffer.alloc(128 * 1024 + 1)), CONNECTIONS_ERRORS.tooLarge);
    });

    it('sends a body the guard already read, without reading the request again', async () => {
      const connection = fakeConnection({ connectionId: ID });
      registry.add(connection);
      const call = await start({}, Buffer.from('signed body'));
      expect((await call('POST', ID, 'what the request carried')).status).to.equal(200);
      expect(socketOf(connection).sent).to.deep.equal(['signed body']);
    });

    it('sends a body that is not UTF-8 as a text frame still: each bad byte becomes U+FFFD', async () => {
      const connection = fakeConnection({ connectionId: ID });
      registry.add(connection);
      const call = await start();
      expect((await call('POST', ID, Buffer.from([0x61, 0xff, 0x62, 0xc3]))).status).to.equal(200);
      expect(socketOf(connection).sent).to.deep.equal(['a\uFFFDb\uFFFD']);
    });

    it('sends an empty body as an empty frame', async () => {
      const connection = fakeConnection({ connectionId: ID });
      registry.add(connection);
      const call = await start();
      expect((await call('POST', ID)).status).to.equal(200);
      expect(socketOf(connection).sent).to.deep.equal(['']);
    });
  });

  describe('GET', () => {
    it('describes the connection as AWS does: connectedAt, identity, lastActiveAt (ISO 8601)', async () => {
      registry.add(fakeConnection({ connectionId: ID, connectedAt: Date.UTC(2026, 10, 30, 1, 0, 0), lastActiveAt: Date.UTC(2026, 10, 30, 1, 5, 0) }));
      const call = await start();
      const answer = await call('GET', ID);
      expect(answer.status).to.equal(200);
      expect(answer.headers['content-type']).to.equal('application/json');
      expect(JSON.parse(answer.body)).to.deep.equal({
        connectedAt: '2026-11-30T01:00:00.000Z',
        identity: { sourceIp: '203.0.113.7', userAgent: 'unit-test' },
        lastActiveAt: '2026-11-30T01:05:00.000Z',
      });
    });

    it('leaves out a user agent the client did not send', async () => {
      registry.add(fakeConnection({ connectionId: ID, userAgent: undefined }));
      const call = await start();
      expect(JSON.parse((await call('GET', ID)).body).identity).to.deep.equal({ sourceIp: '203.0.113.7' });
    });

    it('answers 410 GoneException for an id it does not hold, even with a body', async () => {
      const call = await start();
      expectError(await call('GET', ID), CONNECTIONS_ERRORS.gone);
      expectError(await call('GET', ID, 'x'.repeat(200_000)), CONNECTIONS_ERRORS.gone);
    });
  });

  describe('DELETE', () => {
    it('closes the connection with 1000 and answers 204 with no body', async () => {
      const connection = fakeConnection({ connectionId: ID });
      registry.add(connection);
      const call = await start();
      const answer = await call('DELETE', ID);
      expect(answer.status).to.equal(204);
      expect(answer.body).to.equal('');
      expect(socketOf(connection).close.calledOnceWithExactly(1000, 'Closed by the @connections API')).to.equal(true);
      expect(socketOf(connection).send.callCount).to.equal(0);
    });

    it('answers 410 GoneException for an id it does not hold', async () => {
      const call = await start();
      expectError(await call('DELETE', ID), CONNECTIONS_ERRORS.gone);
    });
  });

  describe('other methods', () => {
    it('answers 403 ForbiddenException for any other method on a held id, and touches the connection not', async () => {
      const connection = fakeConnection({ connectionId: ID });
      registry.add(connection);
      const call = await start();
      for (const method of ['PUT', 'PATCH', 'OPTIONS', 'PROPFIND']) {
        expectError(await call(method, ID, 'body'), CONNECTIONS_ERRORS.forbidden);
      }
      expect(socketOf(connection).send.callCount + socketOf(connection).close.callCount).to.equal(0);
    });

    it('answers a HEAD with 403 and no body', async () => {
      registry.add(fakeConnection({ connectionId: ID }));
      const call = await start();
      const answer = await call('HEAD', ID);
      expect(answer.status).to.equal(403);
      expect(answer.headers['x-amzn-errortype']).to.equal('ForbiddenException');
      expect(answer.body).to.equal('');
    });

    it('answers 410 for any other method on an id it does not hold', async () => {
      const call = await start();
      expectError(await call('PUT', ID, 'body'), CONNECTIONS_ERRORS.gone);
    });
  });

  describe('hooks', () => {
    it('asks beforeCall first, with the method and id; a call it answers goes no further', async () => {
      const connection = fakeConnection({ connectionId: ID });
      registry.add(connection);
      const beforeCall = sinon.spy((_method: string, _id: string, _request: unknown, response: Parameters<typeof sendError>[0]) => {
        sendError(response, { status: 429, type: 'LimitExceededException', message: 'slow down' });
        return true;
      });
      const call = await start({ beforeCall });
      expectError(await call('POST', ID, 'data'), { status: 429, type: 'LimitExceededException', message: 'slow down' });
      expect(beforeCall.firstCall.args.slice(0, 2)).to.deep.equal(['POST', ID]);
      expect(socketOf(connection).send.callCount).to.equal(0);
    });

    it('answers as usual once an async beforeCall lets the call through', async () => {
      const connection = fakeConnection({ connectionId: ID });
      registry.add(connection);
      const beforeCall = sinon.spy(async () => false);
      const call = await start({ beforeCall });
      expect((await call('DELETE', ID)).status).to.equal(204);
      expect(beforeCall.firstCall.args.slice(0, 2)).to.deep.equal(['DELETE', ID]);
      expect(socketOf(connection).close.callCount).to.equal(1);
    });

    it('looks the connection up after the hook: one closed meanwhile is gone', async () => {
      registry.add(fakeConnection({ connectionId: ID }));
      const call = await start({
        beforeCall: () => {
          registry.remove(ID);
          return false;
        },
      });
      expectError(await call('POST', ID, 'data'), CONNECTIONS_ERRORS.gone);
    });
  });
});
