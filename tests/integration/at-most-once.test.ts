/**
 * At most once per recipient, end to end on the local gateway: a real `@connections` endpoint
 * on 127.0.0.1 in front of the gateway's loses answers after the gateway delivered, and a
 * fan-out worker dies mid-segment. Nobody gets a broadcast twice; the sender learns what happened.
 */
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { expect } from 'chai';
import { resolve } from 'node:path';
import { connect, eventually, type TestClient } from 'websocket-test-clients';
import { connectionsProxy, type NetworkFault } from '../helpers/connections-proxy.js';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';
import { benchTemplate } from '../../scripts/load/bench-template.js';
import { templateCopy } from '../helpers/template-copy.js';

const MARKER = 'marker: nothing of the broadcast can come after this';

/**
 * Every frame each client received up to a marker posted to it now. A connection's frames
 * arrive in order, so any copy of a broadcast delivered before the marker was posted is among
 * them: no waiting for something that should not come.
 */
async function framesUpToMarker(local: LocalGateway, clients: TestClient[]): Promise<string[][]> {
  for (const client of clients) {
    await local.management.send(new PostToConnectionCommand({ ConnectionId: connectionIdOf(local, client), Data: Buffer.from(MARKER) }));
  }
  return Promise.all(
    clients.map(async (client) => {
      const frames: string[] = [];
      for (let frame = await client.next(10_000); frame !== MARKER; frame = await client.next(10_000)) frames.push(frame);
      return frames;
    }),
  );
}

const copiesOf = (frames: string[], message: string) => frames.filter((frame) => frame === message).length;
const noticesIn = (frames: string[]) => frames.filter((frame) => frame.startsWith('{')).map((frame) => JSON.parse(frame) as Record<string, unknown>);

describe('at most once per recipient', function () {
  this.timeout(120_000);

  // lean: the deployed handler (functions/broadcast/app.ts); sdk: the same handler built by the
  // benchmark's entry with the SDK client it replaced (scripts/load/bench-broadcast.ts).
  for (const broadcastClient of ['lean', 'sdk'] as const) {
    it(`${broadcastClient} client: answers lost after the gateway delivered (reset after the body, dropped mid-answer) are not repeated, and the sender is told without a resend`, async () => {
      const template = broadcastClient === 'sdk' ? benchTemplate('template.yaml', 'BroadcastFunction') : undefined;
      const local = await startLocalGateway(template ? { template: template.path } : {});
      const clients = await Promise.all(Array.from({ length: 6 }, () => connect(local.gateway.url)));
      try {
        const ids = clients.map((client) => connectionIdOf(local, client));
        const faults = new Map<string, NetworkFault>([
          [ids[2], 'reset-after-body'],
          [ids[3], 'drop-mid-response'],
        ]);
        const proxy = await connectionsProxy(local.gateway.port, (method, id) => (method === 'POST' ? (faults.get(id) ?? 'pass') : 'pass'));
        try {
          // The broadcast function reaches @connections through the faulty network, as `update-function-configuration` would set it.
          const fn = local.gateway.functions.get('BroadcastFunction')!;
          fn.configure({
            ...fn.environment,
            MANAGEMENT_API_ENDPOINT: `${proxy.origin}/${local.gateway.stage}`,
            ...(template ? { BENCH_CLIENT: broadcastClient } : {}),
          });

          clients[0].socket.send(JSON.stringify({ action: 'broadcast', data: 'once' }));
          await eventually(() => local.invocations.some((outcome) => outcome.route === 'broadcast'), 30_000);
          const frames = await framesUpToMarker(local, clients);

          // The gateway delivered to all six, the two faulty ones included, each exactly once.
          expect(frames.map((received) => copiesOf(received, 'once'))).to.deep.equal([1, 1, 1, 1, 1, 1]);
          for (const id of [ids[2], ids[3]]) expect(proxy.calls.filter((call) => call.connectionId === id).map((call) => call.status)).to.deep.equal([200]);
          // Every post of the broadcast came from the client the variant names (the sender's notice goes through the SDK client in both).
          const broadcastPosts = proxy.calls.filter((call) => call.connectionId !== ids[0]);
          expect(broadcastPosts).to.have.length(5);
          expect(new Set(broadcastPosts.map((call) => call.fromSdkClient))).to.deep.equal(new Set([broadcastClient === 'sdk']));
          const [summary] = local.records('broadcast complete');
          expect(summary).to.include({ recipients: 6, delivered: 4, failed: 2, uncertain: 2 });
          // The sender hears what happened, with the broadcast's id, and is not asked to send again.
          const [notice, ...more] = noticesIn(frames[0]);
          expect(more).to.deep.equal([]);
          expect(notice).to.include({ error: 'broadcast_incomplete', reason: 'posts_failed', delivered: 4, failed: 2, broadcastId: summary.broadcastId });
          expect(notice.message).to.not.include('try again');
          for (const received of frames.slice(1)) expect(noticesIn(received)).to.deep.equal([]);
        } finally {
          await proxy.close();
        }
      } finally {
        await Promise.all(clients.map((client) => client.close()));
        await eventually(async () => (await local.storedIds()).length === 0, 30_000).catch(() => {});
        await local.close();
        template?.remove();
      }
    });
  }

  it('a fan-out worker that dies mid-segment is not retried (MaximumRetryAttempts 0): nobody gets the broadcast twice', async () => {
    const copy = templateCopy((template) => {
      template.Resources.FanOutWorkerFunction.Properties!.CodeUri = resolve('tests/fixtures/failing-worker');
    });
    // 24 connections, a threshold of 4 and at most 2 workers: two segments of about 12; one post at a time.
    const local = await startLocalGateway({
      template: copy.path,
      parameters: { EnableFanOut: 'true', FanOutThreshold: '4', FanOutWorkers: '2', BroadcastConcurrency: '1' },
    });
    const clients = await Promise.all(Array.from({ length: 24 }, () => connect(local.gateway.url)));
    try {
      clients[0].socket.send(JSON.stringify({ action: 'broadcast', data: 'm:die' }));
      const dispatched = JSON.parse(await clients[0].next(30_000));
      expect(dispatched).to.include({ status: 'broadcast_dispatched', workers: 2 });
      const summaries = () => local.records('segment summary').filter((record) => record.broadcastId === dispatched.broadcastId);
      const workerRuns = () => local.invokes.filter((outcome) => outcome.function === 'FanOutWorkerFunction' && outcome.invocationType === 'Event');
      // The surviving worker's outcome comes after its summary line: wait for both workers' outcomes too.
      await eventually(() => local.asyncFailures.length === 1 && summaries().length === 1 && workerRuns().length === 2, 60_000);

      // Segment 1's worker died after its second post: its invocation failed as a runtime exit, once.
      const [failure] = local.asyncFailures;
      expect(failure.record.requestPayload).to.deep.include({ broadcastId: dispatched.broadcastId, segment: 1 });
      expect(failure.record.responsePayload?.errorType).to.equal('Runtime.ExitError');
      expect(failure.record.requestContext).to.include({ condition: 'RetriesExhausted', approximateInvokeCount: 1 });
      expect(workerRuns()).to.have.length(2);
      const [segment0] = summaries();
      expect(segment0).to.include({ segment: 0, failed: 0 });

      const frames = await framesUpToMarker(local, clients);
      const copies = frames.map((received) => copiesOf(received, 'm:die'));
      expect(Math.max(...copies)).to.equal(1);
      // Segment 0 in full, and the two segment 1 reached before its worker died; the rest of segment 1 did not get it.
      const reached = copies.reduce((sum, count) => sum + count, 0);
      expect(reached).to.equal((segment0.delivered as number) + 2);
      expect(reached).to.be.below(24);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await eventually(async () => (await local.storedIds()).length === 0, 30_000).catch(() => {});
      await local.close();
      copy.remove();
    }
  });
});
