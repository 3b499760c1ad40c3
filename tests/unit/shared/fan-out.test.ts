import { GoneException } from '@aws-sdk/client-apigatewaymanagementapi';
import { expect } from 'chai';
import sinon from 'sinon';
import { fanOut, FanOutError, stopTime } from '../../../functions/shared/fan-out.js';
import { captureLogs } from '../../helpers/logs.js';

const gone = () => new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } });
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PAYLOAD = Buffer.from('p');

async function* ids(count: number): AsyncGenerator<string> {
  for (let i = 0; i < count; i++) yield `c${i}`;
}

describe('fanOut', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('never has more than `concurrency` posts in flight, and reaches everyone', async () => {
    let inFlight = 0;
    let most = 0;
    const reached: string[] = [];
    const summary = await fanOut({
      recipients: ids(50),
      payload: PAYLOAD,
      concurrency: 7,
      send: async (id) => {
        most = Math.max(most, ++inFlight);
        await delay(2);
        inFlight--;
        reached.push(id);
      },
      removeStale: sinon.stub().resolves(),
    });
    expect(most).to.equal(7);
    expect(reached).to.have.length(50);
    expect(new Set(reached).size).to.equal(50);
    expect(summary).to.include({ recipients: 50, delivered: 50, staleRemoved: 0, failed: 0 });
  });

  it('pulls recipients only as slots free up, never the whole source at once', async () => {
    let pulled = 0;
    let finished = 0;
    let mostUnfinished = 0;
    async function* counted() {
      for (let i = 0; i < 30; i++) {
        pulled++;
        yield `c${i}`;
      }
    }
    await fanOut({
      recipients: counted(),
      payload: PAYLOAD,
      concurrency: 3,
      send: async () => {
        mostUnfinished = Math.max(mostUnfinished, pulled - finished);
        await delay(1);
        finished++;
      },
      removeStale: async () => {},
    });
    expect(finished).to.equal(30);
    // Taken from the source but not yet finished: the posts in flight, and nothing queued behind them.
    expect(mostUnfinished).to.equal(3);
  });

  it('removes exactly the gone connections and keeps delivering to the rest', async () => {
    const removeStale = sinon.stub().resolves();
    const summary = await fanOut({
      recipients: ids(6),
      payload: PAYLOAD,
      concurrency: 2,
      send: async (id) => {
        if (id === 'c1' || id === 'c4') throw gone();
      },
      removeStale,
    });
    expect(removeStale.args.map(([id]) => id).sort()).to.deep.equal(['c1', 'c4']);
    expect(summary).to.include({ recipients: 6, delivered: 4, staleRemoved: 2, failed: 0 });
  });

  it('counts and logs another failure without stopping anyone else', async () => {
    const delivered: string[] = [];
    const removeStale = sinon.stub().resolves();
    const summary = await fanOut({
      recipients: ids(5),
      payload: PAYLOAD,
      concurrency: 5,
      send: async (id) => {
        if (id === 'c2') throw Object.assign(new Error('slow down'), { name: 'LimitExceededException' });
        delivered.push(id);
      },
      removeStale,
    });
    expect(delivered.sort()).to.deep.equal(['c0', 'c1', 'c3', 'c4']);
    expect(removeStale.called).to.equal(false);
    expect(summary).to.include({ delivered: 4, failed: 1, staleRemoved: 0 });
    const line = logs.lines().find((entry) => entry.message === 'post failed');
    expect(line).to.include({ level: 'WARN', recipient: 'c2' });
    expect(line?.error).to.include({ name: 'LimitExceededException', message: 'slow down' });
  });

  it('counts as uncertain the failed posts that may have arrived all the same, and never posts to anyone twice', async () => {
    const sends = new Map<string, number>();
    const failures: Record<string, object> = {
      c0: { name: 'TimeoutError', code: 'ECONNREFUSED', $requestSent: false },
      c1: { name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } },
      c2: { name: 'TimeoutError', code: 'ECONNRESET', $requestSent: true },
      c3: { name: 'InternalServerErrorException', $metadata: { httpStatusCode: 500 } },
      c4: { name: 'Error' },
    };
    const summary = await fanOut({
      recipients: ids(6),
      payload: PAYLOAD,
      concurrency: 3,
      send: async (id) => {
        sends.set(id, (sends.get(id) ?? 0) + 1);
        if (failures[id]) throw Object.assign(new Error(id), failures[id]);
      },
      removeStale: sinon.stub().resolves(),
    });
    expect(summary).to.include({ recipients: 6, delivered: 1, failed: 5, uncertain: 3 });
    expect([...sends.values()]).to.deep.equal([1, 1, 1, 1, 1, 1]);
  });

  it('counts a stale record it could not remove as failed', async () => {
    const summary = await fanOut({
      recipients: ids(2),
      payload: PAYLOAD,
      concurrency: 2,
      send: async (id) => {
        if (id === 'c0') throw gone();
      },
      removeStale: async () => {
        throw new Error('table unreachable');
      },
    });
    expect(summary).to.include({ delivered: 1, staleRemoved: 0, failed: 1 });
  });

  it('rejects with the counts so far when the recipients cannot be read', async () => {
    async function* broken() {
      yield 'c0';
      throw new Error('scan failed');
    }
    const error = await fanOut({ recipients: broken(), payload: PAYLOAD, concurrency: 1, send: async () => {}, removeStale: async () => {} }).then(
      () => null,
      (caught) => caught,
    );
    expect(error).to.be.instanceOf(FanOutError);
    expect(error.name).to.equal('FanOutError');
    expect(error.cause.message).to.equal('scan failed');
    expect(error.summary.recipients).to.be.at.least(1);
  });

  it('starts no post after stopAt, lets those in flight finish, and says it timed out', async () => {
    let pulled = 0;
    async function* many() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield `c${i}`;
      }
    }
    const started = Date.now();
    const startTimes: number[] = [];
    const summary = await fanOut({
      recipients: many(),
      payload: PAYLOAD,
      concurrency: 2,
      stopAt: started + 120.6, // stopTime() gives fractions
      send: async () => {
        startTimes.push(Date.now());
        await delay(50);
      },
      removeStale: async () => {},
    });
    expect(Date.now() - started).to.be.below(400);
    expect(summary.timedOut).to.equal(true);
    expect(Math.max(...startTimes)).to.be.below(started + 121);
    expect(summary.delivered).to.be.within(2, 8);
    expect(summary.recipients).to.equal(summary.delivered);
    expect(pulled).to.be.below(20); // the rest of the table was never read
  });

  it('stops early enough to report: 5 s before a 29 s timeout, 30% before a short one', () => {
    expect(stopTime(29_000, 1_000)).to.equal(1_000 + 24_000);
    expect(stopTime(2_000, 0)).to.equal(1_400);
  });
});
