import { expect } from 'chai';
import { EngineGate } from '../../../src/dynamodb/engine/gate.js';

/** A piece of work that ends when told, recording when it started and ended. */
function step(log: string[], name: string) {
  let finish: () => void = () => {};
  const ended = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      log.push(`${name} starts`);
      await ended;
      log.push(`${name} ends`);
    },
    finish: () => finish(),
  };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('local/store/gate', () => {
  it('runs shared work side by side, exclusive work alone, in arrival order', async () => {
    const gate = new EngineGate();
    const log: string[] = [];
    const [a, b, x, c] = ['a', 'b', 'x', 'c'].map((name) => step(log, name));
    const running = [gate.run(false, a.work), gate.run(false, b.work), gate.run(true, x.work), gate.run(false, c.work)];
    await settle();
    expect(log).to.deep.equal(['a starts', 'b starts']); // x waits for both; c waits behind x
    a.finish();
    await settle();
    expect(log).to.deep.equal(['a starts', 'b starts', 'a ends']);
    b.finish();
    await settle();
    expect(log.slice(3)).to.deep.equal(['b ends', 'x starts']);
    x.finish();
    await settle();
    expect(log.slice(5)).to.deep.equal(['x ends', 'c starts']);
    c.finish();
    await Promise.all(running);
  });

  it('releases its turn when the work throws', async () => {
    const gate = new EngineGate();
    let error: unknown;
    await gate
      .run(true, async () => {
        throw new Error('boom');
      })
      .catch((thrown: unknown) => (error = thrown));
    expect(error).to.be.instanceOf(Error);
    expect(await gate.run(true, async () => 'next')).to.equal('next');
  });

  it('counts requests under way until released (once), and says when none is left', async () => {
    const gate = new EngineGate();
    expect(gate.open).to.equal(true);
    const release = gate.hold();
    gate.refuse();
    expect(gate.open).to.equal(false);
    let idle = false;
    const waiting = gate.idle().then(() => (idle = true));
    await settle();
    expect(idle).to.equal(false);
    release();
    release();
    await waiting;
    expect(gate.underWay).to.equal(0);
  });
});
