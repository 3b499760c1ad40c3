import { expect } from 'chai';
import { API_GATEWAY_LIMITS } from '../../../src/api-gateway/constants.js';
import { startGateway } from '../../../src/stack/gateway.js';
import { DEFAULT_GATEWAY_OPTIONS } from '../../../src/stack/options.js';

describe('the gateway’s client limits (options)', () => {
  it('default to API Gateway’s quotas: 32 KB frames, 4,096-character URLs', () => {
    expect(DEFAULT_GATEWAY_OPTIONS).to.include({ maxFrameBytes: 32 * 1024, maxUrlLength: 4096 });
    expect(DEFAULT_GATEWAY_OPTIONS).to.include({ maxFrameBytes: API_GATEWAY_LIMITS.maxFrameBytes, maxUrlLength: API_GATEWAY_LIMITS.maxUrlLength });
  });

  it('end a connection 1 s after a close the gateway starts, if the client does not answer (ws’s own default is 30 s)', () => {
    expect(DEFAULT_GATEWAY_OPTIONS.closeTimeoutMs).to.equal(1000);
  });

  for (const bad of [
    { maxFrameBytes: 0 },
    { maxFrameBytes: 1.5 },
    { maxUrlLength: -1 },
    { maxUrlLength: Number.NaN },
    { closeTimeoutMs: 0 },
    { closeTimeoutMs: 0.5 },
  ]) {
    it(`refuse ${JSON.stringify(bad)} before anything starts, with option_invalid`, async () => {
      const error = await startGateway({ ...bad, port: 0, dbPort: 0, log: () => {} }).then(
        () => expect.fail('started'),
        (failure: unknown) => failure,
      );
      expect(error).to.include({ name: 'OptionError', code: 'option_invalid' });
    });
  }
});
