/** Broadcasts past one invocation at scale (the slow suite): 2,000 clients through 4 fan-out workers, one of them failing. */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { resolve } from 'node:path';
import { connect, eventually } from 'websocket-test-clients';
import { Swarm } from '../../scripts/load/swarm.js';
import { startLocalGateway } from '../helpers/gateway.js';
import { templateCopy } from '../helpers/template-copy.js';

describe('fan-out workers at scale', function () {
  this.timeout(240_000);

  it('2,000 clients, 4 workers: everyone gets each broadcast once, stale records go, a failed worker lands in the destination', async () => {
    const copy = templateCopy((template) => {
      template.Resources.FanOutWorkerFunction.Properties!.CodeUri = resolve('tests/fixtures/failing-worker');
    });
    const local = await startLocalGateway({
      template: copy.path,
      // 4 workers × 5 posts in flight: on two shared cores (with coverage and the local IAM
      // verifying every signature), more would time posts out at their 1 s attempt timeout.
      parameters: { EnableFanOut: 'true', FanOutThreshold: '500', FanOutWorkers: '4', BroadcastConcurrency: '5' },
      containersPerFunction: 4,
    });
    const swarm = await Swarm.start();
    const sender = await connect(local.gateway.url);
    try {
      const opened = await swarm.open(local.gateway.url, 2000, 100);
      expect(opened).to.include({ open: 2000, failed: 0 });
      const stale = Array.from({ length: 8 }, (_, i) => `stale${i}AAAAAAAAA=`);
      for (const id of stale) {
        await local.dynamo.send(
          new PutItemCommand({ TableName: local.tableName, Item: { connectionId: { S: id }, connectedAt: { N: '1' }, expiresAt: { N: '9999999999' } } }),
        );
      }

      // 1: every segment delivers.
      sender.socket.send(JSON.stringify({ action: 'broadcast', data: 'm:1' }));
      const frames = [await sender.next(30_000), await sender.next(60_000)];
      const notice = frames.map((frame) => (frame.startsWith('{') ? JSON.parse(frame) : undefined)).find(Boolean);
      expect(notice).to.include({ status: 'broadcast_dispatched', workers: 4 });
      expect(frames).to.include('m:1');
      const summaries = (broadcastId: string) => local.records('segment summary').filter((record) => record.broadcastId === broadcastId);
      await eventually(() => summaries(notice.broadcastId).length === 4, 60_000);
      const parts = summaries(notice.broadcastId);
      expect(parts.map((part) => part.segment).sort()).to.deep.equal([0, 1, 2, 3]);
      expect(
        parts.map((part) => [part.totalSegments, part.failed]),
        JSON.stringify(local.records('post failed')[0]),
      ).to.deep.equal([
        [4, 0],
        [4, 0],
        [4, 0],
        [4, 0],
      ]);
      expect(parts.reduce((sum, part) => sum + (part.delivered as number), 0)).to.equal(2001);
      // Each worker's Invoke API outcome carries its container's CPU time, as API Gateway's outcomes do.
      const workerRuns = () => local.invokes.filter((outcome) => outcome.invocationType === 'Event');
      await eventually(() => workerRuns().length === 4, 30_000);
      for (const run of workerRuns()) expect(run.cpuMs).to.be.a('number').and.greaterThan(0);
      expect(parts.reduce((sum, part) => sum + (part.staleRemoved as number), 0)).to.equal(stale.length);
      for (const id of stale) expect(await local.stored(id), id).to.equal(false);
      await eventually(async () => (await swarm.report()).messages.find((m) => m.seq === 1)?.delivered === 2000, 30_000);
      const first = (await swarm.report()).messages.find((m) => m.seq === 1)!;
      expect(first).to.include({ delivered: 2000, duplicates: 0, missing: 0 });

      // 2: segment 1's worker fails; it lands in the destination, the others deliver.
      sender.socket.send(JSON.stringify({ action: 'broadcast', data: 'm:2:fail' }));
      const second = JSON.parse(await sender.next(30_000));
      expect(second).to.include({ status: 'broadcast_dispatched', workers: 4 });
      await eventually(() => local.asyncFailures.length === 1 && summaries(second.broadcastId).length === 3, 60_000);
      const [failure] = local.asyncFailures;
      expect(failure.function).to.equal('FanOutWorkerFunction');
      expect(failure.destination).to.match(/:sqs:.*:FanOutFailureQueue$/);
      expect(failure.record.requestPayload).to.deep.include({ broadcastId: second.broadcastId, segment: 1, totalSegments: 4 });
      expect(failure.record.responsePayload?.errorType).to.equal('InjectedFault');
      const delivered = summaries(second.broadcastId).reduce((sum, part) => sum + (part.delivered as number), 0);
      const senderGotIt = () => (sender.pending().includes('m:2:fail') ? 1 : 0);
      await eventually(async () => ((await swarm.report()).messages.find((m) => m.seq === 2)?.delivered ?? 0) + senderGotIt() === delivered, 30_000);
      const report = (await swarm.report()).messages.find((m) => m.seq === 2)!;
      expect(report.duplicates).to.equal(0);
      expect(report.missing).to.equal(2000 - report.delivered);
      expect(report.missing).to.be.greaterThan(0);
      expect(report.delivered).to.be.greaterThan(0);
      // Never retried: exactly 4 attempts for this broadcast's 4 workers.
      expect(local.invokes.filter((outcome) => outcome.invocationType === 'Event')).to.have.length(8);
    } finally {
      await sender.close();
      await swarm.stop();
      // 2,001 $disconnects: let them finish before the store closes under them.
      await eventually(async () => (await local.storedIds()).length === 0, 90_000).catch(() => {});
      await local.close();
      copy.remove();
    }
  });
});
