/**
 * Issue 29's guard: what each function's cold start reads may not grow more than 10 % past the
 * sizes committed beside the cold-start script (scripts/load/bundle-sizes.json), and no file read
 * at import may `import` node:http (the ESM facade loads undici). Import times are reported by
 * `npm run cold-start`, never gated: machines are noisy.
 */
import { expect } from 'chai';
import { type BundleLoad, bundleLoads, staticClosure } from '../../scripts/load/bundle-loads.js';
import { ALLOWED_GROWTH, bundleProblems, readSizes, sizesOf } from '../../scripts/load/bundle-size-check.js';

describe('bundle sizes (scripts/load/bundle-sizes.json)', function () {
  this.timeout(60_000);
  let loads: BundleLoad[];
  before(async () => {
    loads = await bundleLoads('template.yaml');
  });

  it('no function reads more at a cold start than its committed size plus 10 %, and none imports node:http', () => {
    expect(bundleProblems(loads, readSizes())).to.deep.equal([]);
  });

  it('fails a bundle that grew past the allowance, one missing from the file, and a static node:http import', () => {
    const committed = sizesOf(loads);
    const [first, second] = loads;
    const grown = { ...first, loadedBytes: Math.floor(first.loadedBytes * (1 + ALLOWED_GROWTH)) + 1 };
    expect(bundleProblems([grown], committed))
      .to.have.length(1)
      .and.match(/loadedBytes .* more than 10 % past/);
    // Exactly at the allowance still passes.
    expect(bundleProblems([{ ...first, loadedBytes: Math.floor(first.loadedBytes * (1 + ALLOWED_GROWTH)) }], committed)).to.deep.equal([]);
    expect(bundleProblems([second], {}))
      .to.have.length(1)
      .and.match(/no committed size/);
    expect(bundleProblems([{ ...first, staticBuiltins: ['node:http'] }], committed))
      .to.have.length(1)
      .and.match(/node:http/);
  });

  it('counts the chunks an import reads, not those reached only through import()', () => {
    const outputs = {
      'app.mjs': {
        imports: [
          { path: 'chunk-a.mjs', kind: 'import-statement' },
          { path: 'lazy.mjs', kind: 'dynamic-import' },
          { path: 'node:fs', kind: 'import-statement', external: true },
        ],
      },
      'chunk-a.mjs': { imports: [{ path: 'chunk-b.mjs', kind: 'import-statement' }] },
      'chunk-b.mjs': { imports: [{ path: 'chunk-a.mjs', kind: 'import-statement' }] },
      'lazy.mjs': { imports: [{ path: 'chunk-c.mjs', kind: 'import-statement' }] },
      'chunk-c.mjs': { imports: [] },
    } as unknown as Parameters<typeof staticClosure>[0];
    expect(staticClosure(outputs, 'app.mjs').sort()).to.deep.equal(['app.mjs', 'chunk-a.mjs', 'chunk-b.mjs']);
  });

  it('the fan-out Lambda client and the SDK’s default credential chain are not read at a cold start', () => {
    for (const load of loads) {
      const inputs = Object.keys(load.loadedInputs);
      expect(
        inputs.filter((input) => input.includes('/@aws-sdk/client-lambda/')),
        load.function,
      ).to.deep.equal([]);
      expect(
        inputs.filter((input) => /\/@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|http)|nested-clients)\//.test(input)),
        load.function,
      ).to.deep.equal([]);
    }
    const broadcast = loads.find((load) => load.function === 'BroadcastFunction')!;
    // ...but the broadcast function carries the Lambda client, in a chunk of its own.
    expect(broadcast.totalBytes).to.be.greaterThan(broadcast.loadedBytes);
  });
});
