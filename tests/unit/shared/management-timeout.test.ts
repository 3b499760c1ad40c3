import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sinon from 'sinon';
import { DEFAULTS } from '../../../functions/shared/constants.js';
import { ManagementClients } from '../../../functions/shared/management.js';

describe('management client request timeout', () => {
  let server: Server;
  let requests = 0;
  // Answers nothing until a test says so: a bounded client must give every attempt up after DEFAULTS.postAttemptTimeoutMs.
  let answer: (() => void)[] = [];
  before(async () => {
    server = createServer((_request, response) => {
      requests++;
      answer.push(() => response.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up an attempt after postAttemptTimeoutMs (TimeoutError), as the lean poster does, and does not retry it: it was written, so it may have been delivered', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], shouldClearNativeTimers: true });
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
      let settled = false;
      const post = new ManagementClients().post(endpoint, 'a=', 'x', 10).then(
        () => {
          settled = true;
        },
        (error: unknown) => {
          settled = true;
          return error;
        },
      );
      const started = Date.now();
      while (!settled) {
        await new Promise((resolve) => setImmediate(resolve));
        await clock.tickAsync(10);
      }
      const error = await post;
      // The socket's own error carries the mark: the SDK's handler destroys the request with its TimeoutError.
      expect(error).to.include({ name: 'TimeoutError', $requestSent: true });
      expect((error as { $metadata: { attempts: number } }).$metadata.attempts).to.equal(1);
      expect(requests).to.equal(1);
      expect(Date.now() - started).to.be.at.least(DEFAULTS.postAttemptTimeoutMs);
    } finally {
      clock.restore();
    }
  });

  it('has no request timeout with BROADCAST_CONCURRENCY=unbounded (no pool size): the SDK’s defaults, as sample code has them', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], shouldClearNativeTimers: true });
    try {
      requests = 0;
      answer = [];
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
      let outcome: unknown = 'pending';
      const post = new ManagementClients().post(endpoint, 'b=', 'x').then(
        () => (outcome = 'delivered'),
        (error: unknown) => (outcome = error),
      );
      while (requests === 0) await new Promise((resolve) => setImmediate(resolve));
      // Ten times the bounded client's attempt timeout passes with the request still unanswered.
      for (let waited = 0; waited < 10 * DEFAULTS.postAttemptTimeoutMs; waited += 100) {
        await clock.tickAsync(100);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(outcome).to.equal('pending');
      for (const respond of answer) respond();
      await post;
      expect(outcome).to.equal('delivered');
      expect(requests).to.equal(1);
    } finally {
      clock.restore();
    }
  });
});
