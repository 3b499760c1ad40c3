import { expect } from 'chai';
import { TemplateError } from '../../../src/errors.js';
import { INTEGRATION_TIMEOUT_MS, integrationTimeoutMs } from '../../../src/template/integration-timeout.js';

describe('integrationTimeoutMs', () => {
  it('is 29 s without TimeoutInMillis, as API Gateway’s WebSocket default', () => {
    expect(integrationTimeoutMs(undefined, 'broadcast')).to.equal(29_000);
    expect(INTEGRATION_TIMEOUT_MS).to.deep.equal({ min: 50, max: 29_000, default: 29_000 });
  });

  it('takes 50 ms to 29 s, as a number, a numeric string or a parameter', () => {
    expect(integrationTimeoutMs(50, 'a')).to.equal(50);
    expect(integrationTimeoutMs('29000', 'a')).to.equal(29_000);
    expect(integrationTimeoutMs({ Ref: 'Wait' }, 'a', { refs: { Wait: '1500' }, getAtt: () => '' })).to.equal(1500);
  });

  it('refuses, naming the route, what a deploy would refuse: out of range, not whole, not a number', () => {
    for (const value of [49, 29_001, 0, -5, 100.5, '1e3', 'soon', true]) {
      expect(() => integrationTimeoutMs(value, 'broadcast'), JSON.stringify(value))
        .to.throw(TemplateError, /^route broadcast: TimeoutInMillis must be a whole number of milliseconds between 50 and 29000/)
        .with.property('code', 'template_invalid');
    }
    expect(() => integrationTimeoutMs({ Ref: 'Missing' }, 'broadcast')).to.throw(TemplateError, /^route broadcast: TimeoutInMillis: /);
  });
});
