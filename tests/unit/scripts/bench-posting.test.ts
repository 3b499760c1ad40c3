import { expect } from 'chai';
import { LeanPosters, SdkPosters } from '../../../functions/shared/posters.js';
import { benchPosting } from '../../../scripts/load/bench-posting.js';

describe('scripts/load/bench-posting (the bench’s broadcast settings)', () => {
  const config = { broadcastConcurrency: 100 };

  it('defaults to the lean poster at the function’s BROADCAST_CONCURRENCY, and reads sdk', () => {
    const byDefault = benchPosting({}, config);
    expect(byDefault).to.include({ client: 'lean', concurrency: 100 });
    expect(byDefault.posters).to.be.instanceOf(LeanPosters);
    expect(benchPosting({ BENCH_CLIENT: ' lean ' }, config).client).to.equal('lean');
    const sdk = benchPosting({ BENCH_CLIENT: 'sdk', BENCH_CONCURRENCY: '200' }, config);
    expect(sdk).to.include({ client: 'sdk', concurrency: 200 });
    expect(sdk.posters).to.be.instanceOf(SdkPosters);
  });

  it('reads BENCH_CONCURRENCY=unbounded as no bound (the benchmark’s comparison setting)', () => {
    expect(benchPosting({ BENCH_CLIENT: 'sdk', BENCH_CONCURRENCY: 'unbounded' }, config).concurrency).to.equal(Number.POSITIVE_INFINITY);
  });

  for (const bad of ['SDK', 'fast', 'lean,sdk']) {
    it(`refuses BENCH_CLIENT=${bad}, naming the choices`, () => {
      expect(() => benchPosting({ BENCH_CLIENT: bad }, config)).to.throw(/BENCH_CLIENT takes lean or sdk/);
    });
  }

  for (const bad of ['0', '2.5', 'many']) {
    it(`refuses BENCH_CONCURRENCY=${bad}`, () => {
      expect(() => benchPosting({ BENCH_CONCURRENCY: bad }, config)).to.throw(/BENCH_CONCURRENCY takes a whole number/);
    });
  }
});
