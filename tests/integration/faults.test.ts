/** Faults: the store unreachable, @connections throttled, failing or slow, restarts. */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOTICE_CODES } from '../../functions/shared/constants.js';
import { connect, eventually, refusedStatus, type TestClient } from 'websocket-test-clients';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';
import { templateCopy } from '../helpers/template-copy.js';

const storedIds = (local: LocalGateway) => local.storedIds();

describe('faults', function () {
  this.timeout(60_000);

  describe('DynamoDB unreachable', () => {
    let local: LocalGateway;
    const clients: TestClient[] = [];
    before(async () => {
      local = await startLocalGateway();
    });
    afterEach(async () => {
      await local.gateway.store.resume();
      await Promise.all(clients.splice(0).map((client) => client.close()));
    });
    after(async () => {
      await local.close();
    });

    it('during $connect: the handshake is refused and nothing is half-written', async () => {
      await local.gateway.store.pause();
      expect(await refusedStatus(local.gateway.url)).to.equal(500);
      await local.gateway.store.resume();
      expect(await storedIds(local)).to.deep.equal([]);
      expect(local.gateway.registry.size).to.equal(0);
    });

    it('during $disconnect: logged, the record stays, and the next broadcast removes it (410)', async () => {
      const leaving = await connect(local.gateway.url);
      const staying = await connect(local.gateway.url);
      clients.push(staying);
      const leavingId = connectionIdOf(local, leaving);
      await local.gateway.store.pause();
      // A drop without a close frame, as when a phone loses its network.
      leaving.socket.terminate();
      await eventually(() =>
        local.invocations.some((outcome) => outcome.route === '$disconnect' && outcome.connectionId === leavingId && outcome.status === 500),
      );
      await local.gateway.store.resume();
      expect(await storedIds(local)).to.include(leavingId);

      staying.socket.send('{"action":"broadcast","data":"who is still here?"}');
      expect(await staying.next()).to.equal('who is still here?');
      await eventually(async () => !(await storedIds(local)).includes(leavingId));
      expect(await storedIds(local)).to.deep.equal([connectionIdOf(local, staying)]);
    });

    it('during a broadcast: the sender gets a clear notice', async () => {
      const sender = await connect(local.gateway.url);
      clients.push(sender);
      await local.gateway.store.pause();
      sender.socket.send('{"action":"broadcast","data":"x"}');
      const notice = JSON.parse(await sender.next(15_000));
      expect(notice.error).to.equal(NOTICE_CODES.broadcastFailed);
    });
  });

  describe('@connections answering 429 and 500 for some connections', () => {
    it('retries the throttled post (429: refused, so never delivered) with backoff, never the 500; everyone else gets the message once and the sender hears', async () => {
      const attempts = new Map<string, number>();
      let flaky = '';
      let broken = '';
      const local = await startLocalGateway({
        managementHooks: {
          beforeCall: (method, connectionId, request, response) => {
            if (method !== 'POST') return false;
            const attempt = (attempts.get(connectionId) ?? 0) + 1;
            attempts.set(connectionId, attempt);
            const fail = (status: number, type: string) => {
              request.resume();
              response.writeHead(status, { 'x-amzn-errortype': type, 'content-type': 'application/json' });
              response.end('{"message":"injected"}');
              return true;
            };
            if (connectionId === flaky && attempt <= 2) return fail(429, 'LimitExceededException');
            if (connectionId === broken) return fail(500, 'InternalServerErrorException');
            return false;
          },
        },
      });
      const clients = await Promise.all(Array.from({ length: 6 }, () => connect(local.gateway.url)));
      try {
        flaky = connectionIdOf(local, clients[1]);
        broken = connectionIdOf(local, clients[2]);
        clients[0].socket.send('{"action":"broadcast","data":"once"}');
        // The sender's frames: its own copy and the notice (sent last, after every post).
        const senderFrames = [await clients[0].next(20_000), await clients[0].next(20_000)];
        expect(senderFrames).to.include('once');
        const notice = JSON.parse(senderFrames.find((frame) => frame.startsWith('{'))!);
        for (const [index, client] of clients.entries()) {
          if (index === 0) continue;
          expect(index === 2 ? client.pending() : [await client.next()], `client ${index}`).to.deep.equal(index === 2 ? [] : ['once']);
        }
        expect(attempts.get(flaky)).to.equal(3);
        expect(attempts.get(broken)).to.equal(1); // a 500 may have been delivered before it failed: never repeated
        const [summary] = local.records('broadcast complete');
        expect(summary).to.include({ recipients: 6, delivered: 5, failed: 1, uncertain: 1, staleRemoved: 0 });
        expect(notice).to.include({
          error: NOTICE_CODES.broadcastIncomplete,
          reason: 'posts_failed',
          delivered: 5,
          failed: 1,
          broadcastId: summary.broadcastId,
        });
      } finally {
        await Promise.all(clients.map((client) => client.close()));
        await local.close();
      }
    });
  });

  describe('a slow @connections API', () => {
    it('the broadcast stops before its timeout and tells the sender what it could not deliver', async () => {
      const copy = templateCopy((template) => {
        template.Resources.BroadcastFunction.Properties!.Timeout = 3;
      });
      const local = await startLocalGateway({
        template: copy.path,
        parameters: { BroadcastConcurrency: '1' },
        faults: { latencyMs: 300 },
      });
      const clients = await Promise.all(Array.from({ length: 20 }, () => connect(local.gateway.url)));
      try {
        const started = Date.now();
        clients[0].socket.send('{"action":"broadcast","data":"slowly"}');
        const broadcast = () => local.invocations.find((outcome) => outcome.route === 'broadcast');
        await eventually(() => broadcast() !== undefined, 10_000);
        expect(broadcast()!.status).to.equal(500); // answered by the handler, not killed by the timeout
        expect(broadcast()!.error).to.equal(undefined);
        expect(Date.now() - started).to.be.below(3000);
        const [summary] = local.records('broadcast complete');
        expect(summary.timedOut).to.equal(true);
        expect(summary.delivered).to.be.within(1, 19);
        // The sender's frames: perhaps the broadcast itself, then the notice.
        await eventually(() => clients[0].pending().some((frame) => frame.includes(NOTICE_CODES.broadcastIncomplete)), 5000);
      } finally {
        await Promise.all(clients.map((client) => client.close()));
        await local.close();
        copy.remove();
      }
    });
  });

  describe('restarting the gateway with --db-path', () => {
    it('keeps stored records, and its own connections are closed cleanly and removed on shutdown', async () => {
      const dbPath = mkdtempSync(join(tmpdir(), 'gateway-db-'));
      try {
        const first = await startLocalGateway({ dbPath });
        await first.dynamo.send(
          new PutItemCommand({
            TableName: first.tableName,
            Item: { connectionId: { S: 'kept=' }, connectedAt: { N: '1' }, expiresAt: { N: '9999999999' } },
          }),
        );
        const clients = await Promise.all([connect(first.gateway.url), connect(first.gateway.url)]);
        expect(await storedIds(first)).to.have.length(3);
        await first.close();
        for (const client of clients) expect((await client.closed).code).to.equal(1001);

        const second = await startLocalGateway({ dbPath });
        try {
          expect(await storedIds(second)).to.deep.equal(['kept=']);
        } finally {
          await second.close();
        }
      } finally {
        rmSync(dbPath, { recursive: true, force: true });
      }
    });
  });
});
