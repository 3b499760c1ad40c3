import { GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { fanOutWorker as handler } from '../../helpers/handlers.js';
import { BadJobError, parseJob, SegmentIncompleteError, type FanOutJob } from '../../../functions/shared/fan-out-job.js';
import { mockSdk } from '../../helpers/mocks.js';

const job = (overrides: Partial<FanOutJob> = {}): FanOutJob => ({
  broadcastId: 'b-1',
  message: 'Hei kaikki',
  senderId: 'sender=',
  endpoint: 'http://127.0.0.1:3001/dev',
  segment: 2,
  totalSegments: 4,
  ...overrides,
});
const page = (ids: string[], last?: string) => ({
  Items: ids.map((id) => ({ connectionId: { S: id } })),
  LastEvaluatedKey: last ? { connectionId: { S: last } } : undefined,
});
const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'FanOutWorkerFunction', awsRequestId: 'r-1' };

describe('fan-out worker handler', () => {
  const sdk = mockSdk();
  const summary = () => sdk.logs.lines().filter((line) => line.message === 'segment summary');

  it('scans only its segment and posts the message to every connection in it', async () => {
    sdk.dynamo
      .on(ScanCommand)
      .resolvesOnce(page(['a', 'b'], 'b'))
      .resolvesOnce(page(['c']));
    sdk.api.on(PostToConnectionCommand).resolves({});
    await handler(job(), context);
    for (const call of sdk.dynamo.commandCalls(ScanCommand)) {
      expect(call.args[0].input).to.include({ Segment: 2, TotalSegments: 4, ProjectionExpression: 'connectionId' });
    }
    const posts = sdk.api
      .commandCalls(PostToConnectionCommand)
      .map((call) => [call.args[0].input.ConnectionId, Buffer.from(call.args[0].input.Data as Uint8Array).toString()]);
    expect(posts.sort()).to.deep.equal([
      ['a', 'Hei kaikki'],
      ['b', 'Hei kaikki'],
      ['c', 'Hei kaikki'],
    ]);
  });

  it('logs one summary with the broadcast id, its segment and the counts', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a', 'gone=']));
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'gone=' }).rejects(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }));
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'a' }).resolves({});
    sdk.dynamo.on(DeleteItemCommand).resolves({});
    await handler(job(), context);
    expect(summary()).to.have.length(1);
    expect(summary()[0]).to.include({
      broadcastId: 'b-1',
      segment: 2,
      totalSegments: 4,
      senderId: 'sender=',
      recipients: 2,
      delivered: 1,
      staleRemoved: 1,
      failed: 0,
    });
    expect(sdk.dynamo.commandCalls(DeleteItemCommand)[0].args[0].input.Key).to.deep.equal({ connectionId: { S: 'gone=' } });
  });

  it('fails the invocation (for the on-failure destination) when its segment cannot be read', async () => {
    sdk.dynamo.on(ScanCommand).rejects(new Error('table unreachable'));
    const error = await handler(job(), context).catch((caught) => caught);
    expect(error).to.be.instanceOf(SegmentIncompleteError);
    expect(summary()[0]).to.include({ broadcastId: 'b-1', segment: 2, stopped: true });
  });

  it('fails the invocation when it runs out of time before the end of its segment', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a', 'b']));
    sdk.api.on(PostToConnectionCommand).resolves({});
    const error = await handler(job(), { ...context, getRemainingTimeInMillis: () => 0 }).catch((caught) => caught);
    expect(error).to.be.instanceOf(SegmentIncompleteError);
    expect(summary()[0]).to.include({ timedOut: true, delivered: 0 });
  });

  const bad: [string, unknown][] = [
    ['no payload', undefined],
    ['a segment past the total', job({ segment: 4 })],
    ['a negative segment', job({ segment: -1 })],
    ['no total', { ...job(), totalSegments: undefined }],
    ['no endpoint', job({ endpoint: '' })],
    ['no broadcast id', { ...job(), broadcastId: 7 }],
    ['a message that is not text', { ...job(), message: { text: 'x' } }],
  ];
  for (const [what, payload] of bad) {
    it(`refuses a job with ${what} before reading the table`, async () => {
      expect(() => parseJob(payload)).to.throw(BadJobError);
      const error = await handler(payload, context).catch((caught) => caught);
      expect(error).to.be.instanceOf(BadJobError);
      expect(sdk.dynamo.commandCalls(ScanCommand)).to.have.length(0);
    });
  }
});
