import { GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { mockSdk } from '../../helpers/mocks.js';
import { broadcast as handler } from '../../helpers/handlers.js';
import { messageEvent, sampleEvent } from '../../helpers/events.js';

const gone = () => new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } });
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const page = (ids: string[], last?: string) => ({
  Items: ids.map((id) => ({ connectionId: { S: id } })),
  LastEvaluatedKey: last ? { connectionId: { S: last } } : undefined,
});

describe('broadcast handler', () => {
  const sdk = mockSdk();

  const posts = () =>
    sdk.api.commandCalls(PostToConnectionCommand).map((call) => ({
      to: call.args[0].input.ConnectionId!,
      data: Buffer.from(call.args[0].input.Data as Uint8Array).toString(),
    }));
  const summaryLine = () => sdk.logs.lines().find((line) => line.message === 'broadcast complete');

  it('sends data to every connection on every page, the sender included', async () => {
    sdk.dynamo
      .on(ScanCommand)
      .resolvesOnce(page(['a', 'sender='], 'sender='))
      .resolvesOnce(page(['c']));
    sdk.api.on(PostToConnectionCommand).resolves({});
    const result = await handler(messageEvent('broadcast', '{"action":"broadcast","data":"Tervehdys kaikille!"}'));
    expect(result.statusCode).to.equal(200);
    expect(posts().sort((x, y) => x.to.localeCompare(y.to))).to.deep.equal([
      { to: 'a', data: 'Tervehdys kaikille!' },
      { to: 'c', data: 'Tervehdys kaikille!' },
      { to: 'sender=', data: 'Tervehdys kaikille!' },
    ]);
    expect(summaryLine()).to.include({ recipients: 3, delivered: 3, staleRemoved: 0, failed: 0 });
    expect(summaryLine()?.ms).to.be.a('number');
  });

  it('works on the sample event', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['L0SM9cOFvHcCIhw=']));
    sdk.api.on(PostToConnectionCommand).resolves({});
    expect((await handler(sampleEvent('broadcast.json'))).statusCode).to.equal(200);
    expect(posts()).to.deep.equal([{ to: 'L0SM9cOFvHcCIhw=', data: 'Tervehdys kaikille!' }]);
  });

  const forms: [string, string, string][] = [
    ['a string, as it is', '"Hei"', 'Hei'],
    ['a string that looks like JSON, as it is', '"{\\"a\\":1}"', '{"a":1}'],
    ['an empty string', '""', ''],
    ['an object, as JSON', '{"text":"Hei","n":[1,2]}', '{"text":"Hei","n":[1,2]}'],
    ['a number, as JSON', '42', '42'],
    ['a boolean, as JSON', 'false', 'false'],
  ];
  for (const [what, json, sent] of forms) {
    it(`sends ${what}`, async () => {
      sdk.dynamo.on(ScanCommand).resolves(page(['a']));
      sdk.api.on(PostToConnectionCommand).resolves({});
      await handler(messageEvent('broadcast', `{"action":"broadcast","data":${json}}`));
      expect(posts()).to.deep.equal([{ to: 'a', data: sent }]);
    });
  }

  for (const [what, body] of [
    ['missing', '{"action":"broadcast"}'],
    ['null', '{"action":"broadcast","data":null}'],
  ]) {
    it(`answers ${what} data with a notice to the sender only`, async () => {
      sdk.dynamo.on(ScanCommand).resolves(page(['a', 'b', 'sender=']));
      sdk.api.on(PostToConnectionCommand).resolves({});
      const result = await handler(messageEvent('broadcast', body));
      expect(result.statusCode).to.equal(400);
      expect(sdk.dynamo.commandCalls(ScanCommand)).to.have.length(0);
      expect(posts()).to.have.length(1);
      expect(posts()[0].to).to.equal('sender=');
      expect(JSON.parse(posts()[0].data)).to.include({ error: 'missing_data' });
    });
  }

  it('has at most BROADCAST_CONCURRENCY posts in flight', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    sdk.dynamo
      .on(ScanCommand)
      .resolvesOnce(page(ids.slice(0, 25), 'c24'))
      .resolvesOnce(page(ids.slice(25)));
    let inFlight = 0;
    let most = 0;
    sdk.api.on(PostToConnectionCommand).callsFake(async () => {
      most = Math.max(most, ++inFlight);
      await delay(3);
      inFlight--;
      return {};
    });
    await handler(messageEvent('broadcast', '{"action":"broadcast","data":"x"}'));
    expect(posts()).to.have.length(40);
    expect(most).to.equal(Number(process.env.BROADCAST_CONCURRENCY));
  });

  it('removes exactly the stale record, never the sender’s', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a', 'stale', 'sender=']));
    sdk.dynamo.on(DeleteItemCommand).resolves({});
    sdk.api.on(PostToConnectionCommand).resolves({});
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'stale' }).rejects(gone());
    await handler(messageEvent('broadcast', '{"action":"broadcast","data":"x"}'));
    const deleted = sdk.dynamo.commandCalls(DeleteItemCommand).map((call) => call.args[0].input.Key);
    expect(deleted).to.deep.equal([{ connectionId: { S: 'stale' } }]);
    expect(summaryLine()).to.include({ recipients: 3, delivered: 2, staleRemoved: 1, failed: 0 });
  });

  const notices = () => posts().flatMap((post) => (post.to === 'sender=' && post.data.startsWith('{') ? [JSON.parse(post.data)] : []));

  it('keeps delivering when one post fails for another reason, counts it, and tells the sender what happened without asking for a resend', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a', 'broken', 'c', 'd']));
    sdk.api.on(PostToConnectionCommand).resolves({});
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'broken' }).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    const result = await handler(messageEvent('broadcast', '{"action":"broadcast","data":"x"}'));
    expect(result.statusCode).to.equal(200);
    expect(
      posts()
        .filter((post) => post.to !== 'sender=')
        .map((post) => post.to)
        .sort(),
    ).to.deep.equal(['a', 'broken', 'c', 'd']);
    expect(sdk.dynamo.commandCalls(DeleteItemCommand)).to.have.length(0);
    // An error that does not say whether it was delivered counts as uncertain: it may have been.
    expect(summaryLine()).to.include({ recipients: 4, delivered: 3, staleRemoved: 0, failed: 1, uncertain: 1 });
    const [notice] = notices();
    expect(notice).to.include({ error: 'broadcast_incomplete', reason: 'posts_failed', delivered: 3, failed: 1, broadcastId: summaryLine()?.broadcastId });
    expect(notice.broadcastId).to.match(/^[0-9a-f-]{36}$/);
    expect(notice.message).to.include('3 connection(s)').and.not.include('try again');
  });

  it('sends no notice when everyone was reached, and none for connections found gone', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a', 'stale']));
    sdk.dynamo.on(DeleteItemCommand).resolves({});
    sdk.api.on(PostToConnectionCommand).resolves({});
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'stale' }).rejects(gone());
    await handler(messageEvent('broadcast', '{"action":"broadcast","data":"x"}'));
    expect(notices()).to.deep.equal([]);
  });

  it('asks the sender to try again only when nobody can have got it (every post refused, e.g. throttled)', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a', 'b']));
    const throttled = () => Object.assign(new Error('slow down'), { name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } });
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'a' }).rejects(throttled());
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'b' }).rejects(throttled());
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'sender=' }).resolves({});
    await handler(messageEvent('broadcast', '{"action":"broadcast","data":"x"}'));
    expect(summaryLine()).to.include({ delivered: 0, failed: 2, uncertain: 0 });
    expect(notices()).to.have.length(1);
    expect(notices()[0]).to.include({ error: 'broadcast_failed', broadcastId: summaryLine()?.broadcastId });
    expect(notices()[0].message).to.include('try again');
  });

  it('does not ask for a resend when a failed post may have arrived, even if none is known to have', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a']));
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'a' }).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $requestSent: true }));
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'sender=' }).resolves({});
    await handler(messageEvent('broadcast', '{"action":"broadcast","data":"x"}'));
    expect(notices()[0]).to.include({ error: 'broadcast_incomplete', reason: 'posts_failed', delivered: 0, failed: 1 });
    expect(notices()[0].message).to.not.include('try again');
  });

  it('tells the sender how far it got when the table cannot be read to the end, without asking for a resend', async () => {
    sdk.dynamo
      .on(ScanCommand)
      .resolvesOnce(page(['a', 'b'], 'b'))
      .rejectsOnce(new Error('connect ECONNREFUSED'));
    sdk.api.on(PostToConnectionCommand).resolves({});
    const result = await handler(messageEvent('broadcast', '{"action":"broadcast","data":"x"}'));
    expect(result.statusCode).to.equal(500);
    expect(
      posts()
        .filter((post) => post.to !== 'sender=')
        .map((post) => post.to)
        .sort(),
    ).to.deep.equal(['a', 'b']);
    const stopped = sdk.logs.lines().find((line) => line.message === 'broadcast stopped');
    expect(notices()).to.have.length(1);
    expect(notices()[0]).to.include({
      error: 'broadcast_incomplete',
      reason: 'recipients_unreadable',
      delivered: 2,
      failed: 0,
      broadcastId: stopped?.broadcastId,
    });
    expect(notices()[0].message).to.not.include('try again');
  });

  it('emits the summary as one EMF metrics line in the template’s namespace, by service', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a', 'stale', 'broken']));
    sdk.api.on(PostToConnectionCommand).resolves({});
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'stale' }).rejects(gone());
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'broken' }).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    await handler(messageEvent('broadcast', '{"action":"broadcast","data":"x"}'));
    const [emf, ...more] = sdk.logs.metrics();
    expect(more).to.have.length(0);
    const [directive] = emf._aws.CloudWatchMetrics;
    expect(directive).to.deep.include({ Namespace: 'ServerlessWebSocketTest', Dimensions: [['service']] });
    expect(emf._aws.Timestamp).to.be.a('number');
    expect(directive.Metrics).to.deep.equal([
      { Name: 'Recipients', Unit: 'Count' },
      { Name: 'Delivered', Unit: 'Count' },
      { Name: 'Failed', Unit: 'Count' },
      { Name: 'StaleRemoved', Unit: 'Count' },
      { Name: 'TimedOut', Unit: 'Count' },
      { Name: 'Stopped', Unit: 'Count' },
      { Name: 'FanOutMs', Unit: 'Milliseconds' },
    ]);
    expect(emf).to.include({ service: 'websocket-test', Recipients: 3, Delivered: 1, Failed: 1, StaleRemoved: 1, TimedOut: 0, Stopped: 0 });
    expect(emf.FanOutMs).to.equal(summaryLine()?.ms);
  });

  it('emits no metrics for a broadcast that sends nothing', async () => {
    sdk.api.on(PostToConnectionCommand).resolves({});
    await handler(messageEvent('broadcast', '{"action":"broadcast"}'));
    expect(sdk.logs.metrics()).to.have.length(0);
  });

  it('tells the sender when the table cannot be read, and answers 500', async () => {
    sdk.dynamo.on(ScanCommand).rejects(new Error('connect ECONNREFUSED'));
    sdk.api.on(PostToConnectionCommand).resolves({});
    const result = await handler(messageEvent('broadcast', '{"action":"broadcast","data":"x"}'));
    expect(result.statusCode).to.equal(500);
    expect(posts()).to.have.length(1);
    expect(posts()[0].to).to.equal('sender=');
    const stopped = sdk.logs.lines().find((line) => line.message === 'broadcast stopped');
    // Nothing was posted: the one case where the sender is asked to try again.
    expect(JSON.parse(posts()[0].data)).to.include({ error: 'broadcast_failed', broadcastId: stopped?.broadcastId });
    expect(JSON.parse(posts()[0].data).message).to.include('try again');
    expect(stopped?.error).to.include({ name: 'FanOutError' });
    expect(stopped?.error.cause).to.include({ name: 'Error', message: 'connect ECONNREFUSED' });
    expect(sdk.logs.metrics()[0]).to.include({ Recipients: 0, Failed: 0, TimedOut: 0, Stopped: 1 });
  });

  it('never logs the message contents', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a', 'b']));
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'a' }).resolves({});
    sdk.api.on(PostToConnectionCommand, { ConnectionId: 'b' }).rejects(new Error('boom'));
    await handler(messageEvent('broadcast', '{"action":"broadcast","data":"a secret plan"}'));
    expect(sdk.logs.lines()).to.have.length.greaterThan(0);
    expect(JSON.stringify(sdk.logs.lines())).to.not.include('secret');
  });

  it('answers data nested too deeply to encode with a notice to the sender, and sends nothing', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a', 'sender=']));
    sdk.api.on(PostToConnectionCommand).resolves({});
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    const result = await handler(messageEvent('broadcast', `{"action":"broadcast","data":${deep}}`));
    expect(result.statusCode).to.equal(400);
    expect(posts()).to.have.length(1);
    expect(posts()[0].to).to.equal('sender=');
    expect(JSON.parse(posts()[0].data)).to.include({ error: 'invalid_data' });
  });

  it('refuses data that re-encodes to over 128 KB with a payload_too_large notice to the sender only', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a', 'sender=']));
    sdk.api.on(PostToConnectionCommand).resolves({});
    // A 120 KB message whose data re-encodes to 528 KB: every 1e20 becomes 21 digits.
    const message = `{"action":"broadcast","data":[${Array(24_000).fill('1e20').join(',')}]}`;
    expect(message.length).to.be.below(128 * 1024);
    const result = await handler(messageEvent('broadcast', message));
    expect(result.statusCode).to.equal(400);
    expect(posts().map((post) => post.to)).to.deep.equal(['sender=']);
    const notice = JSON.parse(posts()[0].data);
    expect(notice).to.include({ error: 'payload_too_large', limitBytes: 131072 });
    expect(notice.message).to.include('131072');
    expect(sdk.dynamo.commandCalls(ScanCommand)).to.have.length(0);
  });

  it('still sends data that encodes to exactly 128 KB', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(['a']));
    sdk.api.on(PostToConnectionCommand).resolves({});
    const data = 'x'.repeat(128 * 1024);
    expect((await handler(messageEvent('broadcast', JSON.stringify({ action: 'broadcast', data })))).statusCode).to.equal(200);
    expect(posts()).to.deep.equal([{ to: 'a', data }]);
  });

  it('reports to the sender what it could not deliver when time runs out', async () => {
    sdk.dynamo.on(ScanCommand).resolves(page(Array.from({ length: 50 }, (_, i) => `c${i}`)));
    sdk.api.on(PostToConnectionCommand).callsFake(async (input) => {
      if (input.ConnectionId !== 'sender=') await delay(40);
      return {};
    });
    const deadline = Date.now() + 250;
    const result = await handler(messageEvent('broadcast', '{"action":"broadcast","data":"x"}'), {
      getRemainingTimeInMillis: () => deadline - Date.now(),
    });
    expect(result.statusCode).to.equal(500);
    expect(Date.now()).to.be.below(deadline);
    const notice = notices().find((candidate) => candidate.error === 'broadcast_incomplete');
    expect(notice, 'incomplete notice').to.not.equal(undefined);
    expect(summaryLine()).to.include({ timedOut: true });
    expect(notice).to.include({ reason: 'timed_out', delivered: summaryLine()?.delivered, failed: 0, broadcastId: summaryLine()?.broadcastId });
    expect(sdk.logs.metrics()[0]).to.include({ TimedOut: 1, Stopped: 0 });
    expect(summaryLine()?.delivered).to.be.below(50);
  });
});
