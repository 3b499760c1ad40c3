import { expect } from 'chai';
import { OptionError } from '../../../src/errors.js';
import { parseDuration } from '../../../src/identity-provider/duration.js';

describe('local/identity-provider/duration', () => {
  it('reads seconds, minutes, hours and days; no unit is seconds', () => {
    expect(parseDuration('90')).to.equal(90);
    expect(parseDuration('90s')).to.equal(90);
    expect(parseDuration('15m')).to.equal(900);
    expect(parseDuration('1h')).to.equal(3600);
    expect(parseDuration('2d')).to.equal(172_800);
    expect(parseDuration(' 1h ')).to.equal(3600);
  });

  for (const text of ['', '0', '0h', '-1', '1.5h', '1w', 'h', '1hh', '1 h', '1H', '0x10', '1e3', '99999999999999999999d']) {
    it(`refuses ${JSON.stringify(text)} with an OptionError naming it`, () => {
      expect(() => parseDuration(text))
        .to.throw(OptionError, `got "${text}"`)
        .with.property('code', 'option_invalid');
    });
  }
});
