import { expect } from 'chai';
import { CLIENT_TOKEN_WINDOW_MS, ClientTokens, MAX_CLIENT_TOKENS } from '../../../src/dynamodb/engine/client-tokens.js';

describe('local/store/client-tokens', () => {
  it('knows a token for 10 minutes after its transaction completed, then treats it as new', () => {
    const tokens = new ClientTokens();
    expect(tokens.check('t', 'a', 0)).to.equal('new');
    tokens.remember('t', 'a', 1000);
    expect(tokens.check('t', 'a', 1000 + CLIENT_TOKEN_WINDOW_MS)).to.equal('repeat');
    expect(tokens.check('t', 'b', 1000 + CLIENT_TOKEN_WINDOW_MS)).to.equal('mismatch');
    expect(tokens.check('t', 'b', 1001 + CLIENT_TOKEN_WINDOW_MS)).to.equal('new');
  });

  it('keeps at most MAX_CLIENT_TOKENS, forgetting the oldest first', () => {
    const tokens = new ClientTokens();
    for (let index = 0; index <= MAX_CLIENT_TOKENS; index++) tokens.remember(`t${index}`, 'a', 0);
    expect(tokens.check('t0', 'a', 0)).to.equal('new');
    expect(tokens.check('t1', 'a', 0)).to.equal('repeat');
    expect(tokens.check(`t${MAX_CLIENT_TOKENS}`, 'a', 0)).to.equal('repeat');
  });
});
