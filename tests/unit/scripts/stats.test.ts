import { expect } from 'chai';
import { median } from '../../../scripts/load/stats.js';

describe('median', () => {
  it('is the middle value of an odd count, whatever the order', () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([9, 10, 100])).to.equal(10); // numeric order, not the text order (10 < 100 < 9)
  });

  it('is the upper middle of an even count', () => {
    expect(median([4, 1, 3, 2])).to.equal(3);
  });

  it('is 0 for no values', () => {
    expect(median([])).to.equal(0);
  });

  it('leaves its input as it was', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).to.deep.equal([3, 1, 2]);
  });
});
