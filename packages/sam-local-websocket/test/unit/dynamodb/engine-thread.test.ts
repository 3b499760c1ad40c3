/** The store's engine thread, kept running: one that ends is replaced on the same port. */
import { expect } from 'chai';
import { superviseEngine } from '../../../src/dynamodb/engine-thread.js';
import { rejection } from '../../helpers/rejection.js';

const OPTIONS = { port: 0, host: '127.0.0.1', ttlIntervalMs: 60_000 };

describe('local/store/engine-thread', () => {
  it('starts an engine that another replaces, on the same port and prepared again, when it ends', async () => {
    const prepared: number[] = [];
    let restarted: (code: number) => void = () => {};
    const restart = new Promise<number>((resolve) => (restarted = resolve));
    const engine = await superviseEngine(OPTIONS, async (thread) => void prepared.push(thread.port), restarted);
    const first = engine.current;
    try {
      await first.terminate(); // as if the thread had died
      expect(await restart).to.equal(1);
      expect(engine.current).to.not.equal(first);
      expect(prepared).to.deep.equal([first.port, first.port]);
      const health = await fetch(`http://127.0.0.1:${first.port}/`);
      expect(await health.text()).to.equal('healthy: dynamodb.us-east-1.amazonaws.com ');
    } finally {
      engine.stop();
      await engine.current.command('close');
      await engine.current.terminate();
    }
    expect(await rejection(engine.current.command('pause'))).to.have.property('message', 'the local store’s engine stopped');
  });

  it('fails to start with the listen error, and ends the thread it started when preparing it fails', async () => {
    const first = await superviseEngine(OPTIONS, async () => {});
    try {
      const taken = await rejection(superviseEngine({ ...OPTIONS, port: first.current.port }, async () => {}));
      expect(taken).to.have.property('code', 'EADDRINUSE');
      const failed = await rejection(
        superviseEngine(OPTIONS, async () => {
          throw new Error('no tables');
        }),
      );
      expect(failed.message).to.equal('no tables');
    } finally {
      first.stop();
      await first.current.terminate();
    }
  });
});
