import { expect } from 'chai';
import { EXIT, RESULT_PREFIX, resultLine } from '../../../src/cli/invoke-output.js';

const times = { ms: 12, requestId: 'req-1' };

describe('local/invoke-output', () => {
  it('gives each way an invoke ends an exit code of its own, 0 for a handler that returned', () => {
    expect(EXIT.ok).to.equal(0);
    expect(new Set(Object.values(EXIT)).size).to.equal(Object.keys(EXIT).length);
  });

  it('prints the handler’s return value as JSON after the prefix', () => {
    expect(RESULT_PREFIX).to.equal('RESULT ');
    expect(resultLine({ ok: true, result: { statusCode: 200, body: 'a\nb' }, ...times })).to.equal('RESULT {"statusCode":200,"body":"a\\nb"}');
  });

  it('prints null when the handler returned nothing, and keeps a falsy value it returned', () => {
    expect(resultLine({ ok: true, result: undefined, ...times })).to.equal('RESULT null');
    expect(resultLine({ ok: true, result: 0, ...times })).to.equal('RESULT 0');
    expect(resultLine({ ok: true, result: false, ...times })).to.equal('RESULT false');
    expect(resultLine({ ok: true, result: '', ...times })).to.equal('RESULT ""');
  });

  it('prints an unhandled error as Lambda’s Invoke API does: errorType and errorMessage', () => {
    const line = resultLine({ ok: false, error: { name: 'Sandbox.Timedout', message: 'Task timed out after 3.00 seconds' }, ...times });
    expect(line).to.equal('RESULT {"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 3.00 seconds"}');
  });

  it('stays one line whatever the result holds', () => {
    expect(resultLine({ ok: false, error: { name: 'Error', message: 'line 1\nline 2' }, ...times }).split('\n')).to.have.length(1);
  });
});
