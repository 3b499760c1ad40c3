import { expect } from 'chai';
import { POST_LOOP_OPTIONS, postLoop, postLoopSettings } from '../../../scripts/load/post-loop.js';

describe('scripts/load/post-loop', () => {
  it('posts every index once, never more than `concurrency` at a time', async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let most = 0;
    await postLoop(25, 4, async (index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(index);
      inFlight--;
    });
    expect([...seen].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 25 }, (_, i) => i));
    expect(most).to.equal(4);
  });

  it('reads the shared flags as numbers, with their defaults', () => {
    const defaults = Object.fromEntries(Object.entries(POST_LOOP_OPTIONS).map(([name, option]) => [name, option.default])) as {
      posts: string;
      concurrency: string;
      warmup: string;
    };
    expect(postLoopSettings(defaults)).to.deep.equal({ posts: 20_000, concurrency: 100, warmup: 2000 });
    expect(postLoopSettings({ posts: '5', concurrency: '2', warmup: '0' })).to.deep.equal({ posts: 5, concurrency: 2, warmup: 0 });
  });
});
