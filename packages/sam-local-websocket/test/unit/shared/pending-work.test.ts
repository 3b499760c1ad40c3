import { expect } from 'chai';
import sinon from 'sinon';
import { PendingWork } from '../../../src/shared/pending-work.js';

describe('PendingWork', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers({ now: 1_000 })));
  afterEach(() => clock.restore());

  it('settles true once the last work settles, including work added while waiting', async () => {
    const pending = new PendingWork();
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    pending.add(new Promise<void>((done) => (finishFirst = done)));
    const settled = pending.settled(Date.now() + 10_000);
    pending.add(new Promise<void>((done) => (finishSecond = done)));
    finishFirst();
    await clock.tickAsync(0);
    expect(pending.size).to.equal(1);
    finishSecond();
    expect(await settled).to.equal(true);
  });

  it('settles false at the deadline with work still under way', async () => {
    const pending = new PendingWork();
    pending.add(new Promise(() => {}));
    const settled = pending.settled(Date.now() + 5_000);
    await clock.tickAsync(5_000);
    expect(await settled).to.equal(false);
    expect(pending.size).to.equal(1);
  });

  it('settles at once with nothing under way', async () => {
    expect(await new PendingWork().settled(Date.now())).to.equal(true);
  });
});
