/**
 * At most once per recipient: both @connections clients (the lean poster and the SDK client)
 * against a real HTTP endpoint on 127.0.0.1 that fails in each way a network can. A post is
 * retried only when it provably never reached the server; the server counts what it read.
 */
import { expect } from 'chai';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sinon from 'sinon';
import { AtMostOnceRetryStrategy } from '../../../functions/shared/at-most-once-retry.js';
import { LeanPoster } from '../../../functions/shared/lean-poster.js';
import { ManagementClients } from '../../../functions/shared/management.js';

type Fault = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

/** An @connections endpoint on port 0 that reads each request whole, counts it, then answers with `fault`. */
async function endpointThat(fault: Fault) {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString());
      fault(req, res, received.length);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`,
    received,
    sockets,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const ok: Fault = (_req, res) => res.end();
/** Fails after reading the body: the connection is reset with no answer. */
const resetAfterBody: Fault = (req) => req.socket.resetAndDestroy();
/** Drops the socket in the middle of its answer. */
const dropMidResponse: Fault = (req) => {
  req.socket.write('HTTP/1.1 200 OK\r\nContent-Le');
  req.socket.destroy();
};
const answer500: Fault = (_req, res) => {
  res.writeHead(500, { 'x-amzn-errortype': 'InternalServerErrorException', 'content-type': 'application/json' });
  res.end('{"message":"internal"}');
};

const clients = {
  lean: (endpoint: string) => {
    const poster = new LeanPoster({ endpoint, maxSockets: 1 });
    return { post: (id: string, data: string) => poster.post(id, Buffer.from(data)), destroy: () => poster.destroy() };
  },
  sdk: (endpoint: string) => {
    const management = new ManagementClients();
    return { post: (id: string, data: string) => management.post(endpoint, id, data, 1), destroy: () => management.client(endpoint, 1).destroy() };
  },
} as const;

for (const [name, clientFor] of Object.entries(clients)) {
  describe(`at most once per recipient: the ${name} client`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    const start = async (fault: Fault) => {
      const server = await endpointThat(fault);
      const client = clientFor(server.endpoint);
      cleanups.push(() => client.destroy(), server.close);
      return { ...server, client };
    };
    afterEach(async () => {
      sinon.restore();
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    for (const [what, fault] of [
      ['fails after reading the body (reset, no answer)', resetAfterBody],
      ['drops the socket in the middle of its answer', dropMidResponse],
      ['answers 500 (it may have delivered before failing)', answer500],
    ] as const) {
      it(`a post to an endpoint that ${what} fails, may have been delivered, and is never repeated`, async () => {
        const { client, received } = await start(fault);
        const error = await client.post('a=', 'once').then(
          () => undefined,
          (e: unknown) => e as { $requestSent?: boolean; $metadata?: { attempts?: number; httpStatusCode?: number } },
        );
        expect(error).to.be.instanceOf(Error);
        expect(received).to.deep.equal(['once']);
        expect(error!.$metadata?.attempts).to.equal(1);
        // Never marked as unsent (the SDK's handler leaves a cut-off answer's hang-up unmarked: unknown counts as sent).
        expect(error!.$requestSent).to.not.equal(false);
        if (fault === resetAfterBody) expect(error!.$requestSent).to.equal(true);
      });
    }

    it('a refused connection never reached the server: retried up to 3 attempts', async () => {
      const { endpoint, close } = await endpointThat(ok);
      await close();
      const client = clientFor(endpoint);
      cleanups.push(() => client.destroy());
      const retried = sinon.spy(AtMostOnceRetryStrategy.prototype, 'refreshRetryTokenForRetry');
      const error = (await client.post('a=', 'x').catch((e: unknown) => e)) as { code?: string; $requestSent?: boolean; $metadata?: { attempts?: number } };
      expect(error).to.include({ code: 'ECONNREFUSED', $requestSent: false });
      expect(error.$metadata?.attempts).to.equal(3);
      expect(retried.callCount).to.equal(3);
    });

    it('a kept-alive socket the server reset while it was idle fails before any byte is written: retried on a new one, delivered once', async () => {
      const { client, received, sockets } = await start(ok);
      await client.post('a=', 'first');
      expect(sockets.size).to.equal(1);
      const retried = sinon.spy(AtMostOnceRetryStrategy.prototype, 'refreshRetryTokenForRetry');
      // The server resets the idle socket; the client's next post goes out before it can notice.
      for (const socket of sockets) socket.resetAndDestroy();
      await client.post('a=', 'second');
      expect(received).to.deep.equal(['first', 'second']);
      // The attempt on the reset socket failed unsent, and only then was the post retried.
      expect(retried.callCount).to.equal(1);
      expect(retried.firstCall.args[1].error).to.include({ $requestSent: false });
    });
  });
}
