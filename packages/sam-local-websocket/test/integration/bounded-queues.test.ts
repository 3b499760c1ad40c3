/**
 * What the twin holds is bounded, and what it answers says so (issue 32 items 4, 5, 6, 10): the
 * stage's throttling, a connection's send buffer, a closing connection answered as gone, and a
 * request body that trickles in.
 */
import { DeleteConnectionCommand, GetConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { expect } from 'chai';
import { connect, eventually, frame, OPCODES, openSocket, rawWebSocket, refusedStatus } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';
import { templateCopy } from '../helpers/template-copy.js';

/** The id of the connection opened last. */
const newest = (local: LocalGateway) => [...local.gateway.registry.all()].sort((a, b) => a.connectedAt - b.connectedAt).at(-1)!.connectionId;
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error & { $metadata?: { httpStatusCode?: number } }) => error,
  );

describe('bounded queues and closing connections', function () {
  this.timeout(60_000);

  describe('with the default stage', () => {
    let local: LocalGateway;
    before(async () => {
      // A client that never answers the close frame keeps its socket 10 s: long enough to see that it counts as gone at once.
      local = await startLocalGateway({ watch: false, closeTimeoutMs: 10_000, bodyTimeoutMs: 500 });
    });
    after(() => local?.close());

    it('answers 410 for a connection at once after DELETE, for POST, GET and DELETE, though its socket is still closing', async () => {
      const raw = await rawWebSocket(local.gateway.port, `/${local.gateway.stage}`, {}, Buffer.alloc(0), { answerClose: false, endTcp: 'never' });
      const id = newest(local);
      try {
        await local.management.send(new DeleteConnectionCommand({ ConnectionId: id }));
        expect(local.gateway.registry.get(id)).to.not.equal(undefined); // still closing: its close frame is unanswered
        for (const call of [
          new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('lost?') }),
          new GetConnectionCommand({ ConnectionId: id }),
          new DeleteConnectionCommand({ ConnectionId: id }),
        ]) {
          const error = await errorOf(local.management.send(call as PostToConnectionCommand));
          expect(error?.name, call.constructor.name).to.equal('GoneException');
          expect(error?.$metadata?.httpStatusCode).to.equal(410);
        }
        expect(raw.messagesAfterClose).to.deep.equal([]);
      } finally {
        raw.socket.destroy();
      }
    });

    it('answers 410 at once for a connection the twin closes for a frame over 32 KB (1009), though the client has not answered', async () => {
      const raw = await rawWebSocket(local.gateway.port, `/${local.gateway.stage}`, {}, Buffer.alloc(0), { answerClose: false, endTcp: 'never' });
      const id = newest(local);
      try {
        raw.send(frame(OPCODES.text, 'x'.repeat(33 * 1024)));
        expect(await raw.closeFrame).to.equal(1009);
        const error = await errorOf(local.management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('lost?') })));
        expect(error?.name).to.equal('GoneException');
        expect(local.gateway.registry.get(id)).to.not.equal(undefined); // its socket still closing
      } finally {
        raw.socket.destroy();
      }
    });

    it('does not count a closing connection as delivered in a broadcast: it is stale', async () => {
      // Earlier tests' connections are gone: their $disconnect has run.
      await eventually(async () => (await local.storedIds()).length === local.gateway.registry.size);
      const raw = await rawWebSocket(local.gateway.port, `/${local.gateway.stage}`, {}, Buffer.alloc(0), { answerClose: false, endTcp: 'never' });
      const closingId = newest(local);
      const sender = await connect(local.gateway.url);
      try {
        await local.management.send(new DeleteConnectionCommand({ ConnectionId: closingId }));
        const from = local.records('broadcast complete').length;
        sender.socket.send(JSON.stringify({ action: 'broadcast', data: 'to the open ones' }));
        expect(await sender.next()).to.equal('to the open ones');
        await eventually(() => local.records('broadcast complete').length > from);
        expect(local.records('broadcast complete').at(-1)).to.include({ delivered: 1, staleRemoved: 1 });
        expect(raw.messagesAfterClose).to.deep.equal([]);
      } finally {
        raw.socket.destroy();
        await sender.close();
      }
    });

    it('answers 429 LimitExceededException once a connection that does not read holds the send buffer’s bound, and sends nothing more', async () => {
      const raw = await rawWebSocket(local.gateway.port, `/${local.gateway.stage}`);
      const id = newest(local);
      raw.socket.pause(); // never reads: the kernel's buffers fill, then the twin's
      const data = Buffer.alloc(128 * 1024, 'x');
      let accepted = 0;
      let refused: (Error & { $metadata?: { httpStatusCode?: number } }) | undefined;
      // Loopback's socket buffers take some MB before the twin holds anything: bounded at 400 posts (50 MB).
      for (let i = 0; i < 400 && !refused; i++) {
        refused = await errorOf(local.management.send(new PostToConnectionCommand({ ConnectionId: id, Data: data })));
        if (!refused) accepted++;
      }
      try {
        expect(refused?.name).to.equal('LimitExceededException');
        expect(refused?.$metadata?.httpStatusCode).to.equal(429);
        const held = local.gateway.registry.get(id)!.socket.bufferedAmount;
        expect(held).to.be.at.most(8 * 128 * 1024);
        expect(accepted).to.be.greaterThan(0);
      } finally {
        raw.socket.destroy();
      }
    });

    it('answers 408 and closes a request whose body trickles in slower than the body timeout', async () => {
      const socket = await openSocket(local.gateway.port);
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      socket.write(`POST /2015-03-31/functions/ConnectFunction/invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nx`);
      const started = Date.now();
      await closed;
      expect(Buffer.concat(chunks).toString('latin1')).to.match(/^HTTP\/1\.1 408 /);
      expect(Date.now() - started).to.be.below(5000);
    });
  });

  describe('with a stage that throttles (burst 2, 1 per second)', () => {
    let local: LocalGateway;
    let copy: ReturnType<typeof templateCopy>;
    before(async () => {
      copy = templateCopy((template) => {
        const stage = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::ApiGatewayV2::Stage')!;
        stage.Properties = { ...stage.Properties, DefaultRouteSettings: { ThrottlingBurstLimit: 2, ThrottlingRateLimit: 1 } };
      });
      local = await startLocalGateway({ template: copy.path, watch: false });
    });
    after(async () => {
      await local?.close();
      copy?.remove();
    });

    it('answers messages over the route’s burst with API Gateway’s Too Many Requests frame, and a $connect over it with 429', async () => {
      const client = await connect(local.gateway.url);
      const second = await connect(local.gateway.url);
      try {
        expect(await refusedStatus(local.gateway.url)).to.equal(429);
        for (let i = 0; i < 3; i++) client.socket.send(`hello ${i}`);
        const frames = [await client.next(), await client.next(), await client.next()];
        const throttled = frames.map((frame) => (frame.startsWith('{') ? (JSON.parse(frame) as { message?: string }).message : undefined));
        expect(throttled.filter((message) => message === 'Too Many Requests')).to.have.length(1);
        const frame = JSON.parse(frames.find((text) => text.includes('Too Many Requests'))!) as Record<string, string>;
        expect(Object.keys(frame)).to.deep.equal(['message', 'connectionId', 'requestId']);
      } finally {
        await client.close();
        await second.close();
      }
    });
  });
});
