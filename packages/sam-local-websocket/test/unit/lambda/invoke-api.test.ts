import { expect } from 'chai';
import { asyncSettingsOf, runAsync, type AsyncFailure } from '../../../src/lambda/invoke-api/async-invocations.js';
import { functionNameOf } from '../../../src/lambda/invoke-api/invoke-api.js';
import type { Outcome } from '../../../src/lambda/container-protocol.js';

describe('local Lambda Invoke API', () => {
  const names: [string, string | undefined][] = [
    ['FanOutWorkerFunction', 'FanOutWorkerFunction'],
    ['arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3AFanOutWorkerFunction', 'FanOutWorkerFunction'],
    ['arn:aws:lambda:us-east-1:000000000000:function:FanOutWorkerFunction:$LATEST', 'FanOutWorkerFunction'],
    ['000000000000:function:FanOutWorkerFunction', 'FanOutWorkerFunction'],
    ['FanOutWorkerFunction:live', undefined],
    ['%E0%A4%A', undefined],
    ['', undefined],
  ];
  for (const [raw, name] of names) {
    it(`reads the function name from "${raw}" as ${name}`, () => expect(functionNameOf(raw)).to.equal(name));
  }

  it('retries twice and keeps an event 6 hours without an EventInvokeConfig, as Lambda does', () => {
    expect(asyncSettingsOf(undefined)).to.deep.equal({ maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, onFailure: undefined });
    expect(asyncSettingsOf({ MaximumRetryAttempts: '0', MaximumEventAgeInSeconds: '300', onFailure: 'arn:q' })).to.deep.equal({
      maximumRetryAttempts: 0,
      maximumEventAgeSeconds: 300,
      onFailure: 'arn:q',
    });
  });

  const failed = (attempt: number): Outcome => ({ ok: false, error: { name: 'Boom', message: `attempt ${attempt}` }, ms: 1, requestId: `r-${attempt}` });
  const target = (maximumRetryAttempts: number) => ({
    function: 'Fn',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Fn',
    payload: { a: 1 },
    settings: { maximumRetryAttempts, maximumEventAgeSeconds: 300, onFailure: 'arn:aws:sqs:us-east-1:000000000000:Q' },
  });

  for (const retries of [0, 1, 2]) {
    it(`makes ${retries + 1} attempt(s) with MaximumRetryAttempts ${retries}, then records the last failure as Lambda's destination record`, async () => {
      let attempts = 0;
      const failures: AsyncFailure[] = [];
      await runAsync(
        async () => failed(++attempts),
        target(retries),
        (failure) => failures.push(failure),
      );
      expect(attempts).to.equal(retries + 1);
      expect(failures).to.have.length(1);
      expect(failures[0].destination).to.equal('arn:aws:sqs:us-east-1:000000000000:Q');
      expect(failures[0].record).to.deep.include({
        version: '1.0',
        requestPayload: { a: 1 },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: 'Boom', errorMessage: `attempt ${retries + 1}` },
      });
      expect(failures[0].record.requestContext).to.deep.equal({
        requestId: `r-${retries + 1}`,
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Fn:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: retries + 1,
      });
    });
  }

  it('stops at the first attempt that succeeds and records nothing', async () => {
    let attempts = 0;
    const failures: AsyncFailure[] = [];
    await runAsync(
      async () => (++attempts < 2 ? failed(attempts) : { ok: true, result: null, ms: 1, requestId: 'r' }),
      target(2),
      (failure) => failures.push(failure),
    );
    expect(attempts).to.equal(2);
    expect(failures).to.deep.equal([]);
  });

  const expired = (): Outcome => ({ ok: false, error: { name: 'EventAgeExceeded', message: 'waited' }, ms: 1, requestId: 'never-ran', expired: true });

  it('gives each attempt the time by which it must start: accepted + MaximumEventAgeInSeconds', async () => {
    const startBys: number[] = [];
    await runAsync(
      async (startBy) => {
        startBys.push(startBy);
        return failed(startBys.length);
      },
      target(2),
      () => {},
      1_000,
    );
    expect(startBys).to.deep.equal([301_000, 301_000, 301_000]);
  });

  it('records an event that never started in time as EventAgeExceeded, with no response and no attempt', async () => {
    const failures: AsyncFailure[] = [];
    await runAsync(
      async () => expired(),
      target(2),
      (failure) => failures.push(failure),
    );
    expect(failures).to.have.length(1);
    expect(failures[0].record.requestContext).to.include({ condition: 'EventAgeExceeded', approximateInvokeCount: 0 });
    expect(failures[0].record).to.not.have.any.keys('responseContext', 'responsePayload');
    expect(failures[0].record.requestPayload).to.deep.equal({ a: 1 });
  });

  it('stops retrying when a retry expires, keeping the last error it had', async () => {
    let attempts = 0;
    const failures: AsyncFailure[] = [];
    await runAsync(
      async () => (++attempts === 1 ? failed(1) : expired()),
      target(2),
      (failure) => failures.push(failure),
    );
    expect(attempts).to.equal(2);
    expect(failures[0].record.requestContext).to.include({ condition: 'EventAgeExceeded', approximateInvokeCount: 1, requestId: 'r-1' });
    expect(failures[0].record.responsePayload).to.deep.equal({ errorType: 'Boom', errorMessage: 'attempt 1' });
  });
});
