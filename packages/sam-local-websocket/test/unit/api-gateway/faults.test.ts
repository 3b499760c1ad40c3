import { expect } from 'chai';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { faultHooks } from '../../../src/api-gateway/faults.js';

/** Just enough of a response to see what a hook answered. */
function fakeResponse() {
  const seen: { status?: number; headers?: Record<string, string>; body?: string } = {};
  const response = {
    writeHead: (status: number, headers: Record<string, string>) => Object.assign(seen, { status, headers }),
    end: (body: string) => Object.assign(seen, { body }),
  } as unknown as ServerResponse;
  return { response, seen };
}
const request = { resume: () => {} } as unknown as IncomingMessage;

describe('faultHooks', () => {
  it('answers a failing call with the status and the error type SDK v3 reads', async () => {
    const hooks = faultHooks({ failureRate: 0.5, failureStatus: 429 }, () => 0.1);
    const { response, seen } = fakeResponse();
    expect(await hooks.beforeCall!('POST', 'a=', request, response)).to.equal(true);
    expect(seen.status).to.equal(429);
    expect(seen.headers).to.include({ 'x-amzn-errortype': 'LimitExceededException' });
  });

  it('lets a call through when the draw is above the failure rate', async () => {
    const hooks = faultHooks({ failureRate: 0.5 }, () => 0.9);
    const { response, seen } = fakeResponse();
    expect(await hooks.beforeCall!('POST', 'a=', request, response)).to.equal(false);
    expect(seen.status).to.equal(undefined);
  });

  it('adds no hook without faults, and refuses an unknown status or rate', () => {
    expect(faultHooks({})).to.deep.equal({});
    expect(() => faultHooks({ failureStatus: 404 })).to.throw(/failure status/);
    expect(() => faultHooks({ failureRate: 2 })).to.throw(/between 0 and 1/);
  });
});
