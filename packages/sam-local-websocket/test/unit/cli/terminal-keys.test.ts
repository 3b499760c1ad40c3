import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import sinon from 'sinon';
import { listenForKeys } from '../../../src/cli/terminal-keys.js';

/** process.stdin as the keys see it. */
class FakeTerminal extends EventEmitter {
  constructor(readonly isTTY: boolean) {
    super();
  }
  setRawMode = sinon.spy();
}

/** A store that records pause/resume and flips `paused` as the real one does. */
function fakeStore(paused = false) {
  const store = {
    paused,
    pause: sinon.spy(async () => {
      store.paused = true;
    }),
    resume: sinon.spy(async () => {
      store.paused = false;
    }),
  };
  return store;
}

describe('local/terminal-keys', () => {
  /** The log, as a promise of its next line (the key handler is async). */
  function nextLine() {
    let line: (text: string) => void = () => {};
    const logged = new Promise<string>((resolve) => (line = resolve));
    return { log: (text: string) => line(text), logged };
  }

  it('listens to nothing without a terminal', () => {
    const stdin = new FakeTerminal(false);
    listenForKeys(stdin, fakeStore(), sinon.spy());
    expect(stdin.setRawMode.called).to.equal(false);
    expect(stdin.listenerCount('data')).to.equal(0);
  });

  it('in a terminal: raw mode, and a terminal error does not throw (SIGHUP stops the gateway)', () => {
    const stdin = new FakeTerminal(true);
    listenForKeys(stdin, fakeStore(), sinon.spy());
    expect(stdin.setRawMode.args).to.deep.equal([[true]]);
    expect(() => stdin.emit('error', new Error('EIO'))).to.not.throw();
  });

  it('Ctrl-C stops; other keys do nothing', () => {
    const stdin = new FakeTerminal(true);
    const stop = sinon.spy();
    const store = fakeStore();
    listenForKeys(stdin, store, stop);
    stdin.emit('data', Buffer.from('x'));
    stdin.emit('data', Buffer.from('D'));
    expect(stop.called).to.equal(false);
    stdin.emit('data', Buffer.from('\u0003'));
    expect(stop.callCount).to.equal(1);
    expect(store.pause.called || store.resume.called).to.equal(false);
  });

  it('d stops the store, then d brings it back', async () => {
    const stdin = new FakeTerminal(true);
    const store = fakeStore();
    let line = nextLine();
    listenForKeys(stdin, store, sinon.spy(), (text) => line.log(text));
    stdin.emit('data', Buffer.from('d'));
    expect(await line.logged).to.equal('DynamoDB stopped (press d to restart it)');
    expect([store.pause.callCount, store.resume.callCount]).to.deep.equal([1, 0]);
    line = nextLine();
    stdin.emit('data', Buffer.from('d'));
    expect(await line.logged).to.equal('DynamoDB is back');
    expect([store.pause.callCount, store.resume.callCount]).to.deep.equal([1, 1]);
  });
});
