import { expect } from 'chai';
import sinon from 'sinon';
import { sleep } from '../../../src/shared/time.js';

describe('shared/time', () => {
  describe('sleep', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => (clock = sinon.useFakeTimers()));
    afterEach(() => clock.restore());

    it('resolves once `ms` have passed, not before', async () => {
      let done = false;
      const slept = sleep(50).then(() => (done = true));
      await clock.tickAsync(49);
      expect(done).to.equal(false);
      await clock.tickAsync(1);
      await slept;
      expect(done).to.equal(true);
    });
  });
});
