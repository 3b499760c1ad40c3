import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sinon from 'sinon';
import { DEFAULTS } from '../../../functions/shared/constants.js';
import { postToConnection } from '../../../functions/shared/management.js';

describe('management client request timeout', () => {
  let server: Server;
  let requests = 0;
  before(async () => {
    // Never answers: every attempt must be given up after DEFAULTS.postAttemptTimeoutMs.
    server = createServer(() => requests++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up an attempt after postAttemptTimeoutMs (TimeoutError), as the lean poster does, and retries it (the SDK’s error does not say whether it was sent)', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], shouldClearNativeTimers: true });
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
      let settled = false;
      const post = postToConnection(endpoint, 'a=', 'x').then(
        () => ((settled = true), undefined),
        (error: unknown) => ((settled = true), error),
      );
      const started = Date.now();
      while (!settled) {
        await new Promise((resolve) => setImmediate(resolve));
        await clock.tickAsync(10);
      }
      const error = await post;
      expect(error).to.include({ name: 'TimeoutError' });
      expect(requests).to.equal(DEFAULTS.postMaxAttempts);
      expect(Date.now() - started).to.be.at.least(DEFAULTS.postMaxAttempts * DEFAULTS.postAttemptTimeoutMs);
    } finally {
      clock.restore();
    }
  });
});
