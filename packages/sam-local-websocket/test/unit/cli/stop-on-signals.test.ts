import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import sinon from 'sinon';
import { onParentExit, PARENT_CHECK_MS, SAME_REQUEST_MS, STOP_EXIT, STOP_SIGNALS, stopOnSignals } from '../../../src/cli/stop-on-signals.js';

/** A process as stopping sees it: signals are events, exit is recorded, the parent can go. */
class FakeProcess extends EventEmitter {
  ppid = 4242;
  exit = sinon.spy();
}

describe('local/stop-on-signals', () => {
  let clock: sinon.SinonFakeTimers;
  let proc: FakeProcess;
  let close: sinon.SinonStub<[], Promise<void>>;
  let out: { log: sinon.SinonSpy; error: sinon.SinonSpy };
  beforeEach(() => {
    clock = sinon.useFakeTimers();
    proc = new FakeProcess();
    close = sinon.stub<[], Promise<void>>().resolves();
    out = { log: sinon.spy(), error: sinon.spy() };
  });
  afterEach(() => clock.restore());

  const start = () => stopOnSignals({ close }, proc, out);
  /** Lets the close promise settle (its exit is a promise continuation). */
  const settle = () => clock.tickAsync(0);

  it('stops on SIGINT, SIGTERM and SIGHUP, each with one listener', () => {
    expect(STOP_SIGNALS).to.deep.equal(['SIGINT', 'SIGTERM', 'SIGHUP']);
    start();
    for (const signal of STOP_SIGNALS) expect(proc.listenerCount(signal), signal).to.equal(1);
  });

  for (const signal of STOP_SIGNALS) {
    it(`${signal}: closes the gateway once, says why, then exits 0`, async () => {
      start();
      proc.emit(signal);
      expect(close.callCount).to.equal(1);
      expect(out.log.args).to.deep.equal([[`\n${signal}: closing connections and stopping…`]]);
      expect(proc.exit.called, 'exits only once closed').to.equal(false);
      await settle();
      expect(proc.exit.args).to.deep.equal([[STOP_EXIT.closed]]);
      expect(STOP_EXIT.closed).to.equal(0);
    });
  }

  it('exits 1 with the reason when closing fails', async () => {
    close.rejects(new Error('store would not stop'));
    start();
    proc.emit('SIGTERM');
    await settle();
    expect(out.error.args).to.deep.equal([['stopping failed: store would not stop']]);
    expect(proc.exit.args).to.deep.equal([[1]]);
  });

  it('takes the same signal again within SAME_REQUEST_MS as the same request (npm relays it)', async () => {
    start();
    proc.emit('SIGINT');
    await clock.tickAsync(SAME_REQUEST_MS - 1);
    proc.emit('SIGINT');
    proc.emit('SIGTERM');
    expect(close.callCount).to.equal(1);
    expect(proc.exit.calledWith(STOP_EXIT.again)).to.equal(false);
    expect(out.error.called).to.equal(false);
  });

  it('exits 130 at once on a second request SAME_REQUEST_MS or later after the first, without closing again', async () => {
    close.returns(new Promise(() => {})); // a $disconnect that never ends
    start();
    proc.emit('SIGINT');
    await clock.tickAsync(SAME_REQUEST_MS);
    proc.emit('SIGINT');
    expect(out.error.args).to.deep.equal([['SIGINT again: exiting now, without waiting for $disconnect']]);
    expect(proc.exit.args).to.deep.equal([[130]]);
    expect(close.callCount).to.equal(1);
    expect(out.log.callCount, 'no second "closing" line').to.equal(1);
  });

  it('takes a key press (Ctrl-C in raw mode) after a signal as a new request, however soon', () => {
    close.returns(new Promise(() => {}));
    const stop = start();
    proc.emit('SIGTERM');
    stop('Ctrl-C', 'key');
    expect(proc.exit.args).to.deep.equal([[STOP_EXIT.again]]);
    expect(out.error.args).to.deep.equal([['Ctrl-C again: exiting now, without waiting for $disconnect']]);
  });

  it('a first key press stops as a signal does', async () => {
    const stop = start();
    stop('Ctrl-C', 'key');
    expect(out.log.args).to.deep.equal([['\nCtrl-C: closing connections and stopping…']]);
    await settle();
    expect(proc.exit.args).to.deep.equal([[0]]);
  });

  describe('when the parent process goes', () => {
    it('stops within PARENT_CHECK_MS, once, however long it keeps checking', async () => {
      start();
      await clock.tickAsync(PARENT_CHECK_MS * 3);
      expect(close.called, 'the parent is still there').to.equal(false);
      proc.ppid = 1; // re-parented to init: npm is gone
      await clock.tickAsync(PARENT_CHECK_MS);
      expect(close.callCount).to.equal(1);
      expect(out.log.args).to.deep.equal([['\nparent exited: closing connections and stopping…']]);
      await clock.tickAsync(PARENT_CHECK_MS * 5);
      expect(close.callCount).to.equal(1);
      expect(proc.exit.args).to.deep.equal([[0]]);
    });

    it('is never a second request, even long after a signal', async () => {
      close.returns(new Promise(() => {}));
      start();
      proc.emit('SIGHUP');
      await clock.tickAsync(SAME_REQUEST_MS * 2);
      proc.ppid = 1;
      await clock.tickAsync(PARENT_CHECK_MS);
      expect(proc.exit.called).to.equal(false);
      expect(out.error.called).to.equal(false);
    });

    it('onParentExit calls back once, then stops checking', async () => {
      const gone = sinon.spy();
      onParentExit(proc, gone);
      proc.ppid = 1;
      await clock.tickAsync(PARENT_CHECK_MS * 4);
      expect(gone.callCount).to.equal(1);
      expect(clock.countTimers(), 'no interval left').to.equal(0);
    });

    it('does not keep the process alive while it checks', () => {
      const watch = onParentExit(proc, () => {});
      expect(watch.hasRef()).to.equal(false);
    });
  });
});
