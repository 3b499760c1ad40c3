import { expect } from 'chai';
import { handshakeProblem } from '../../../src/api-gateway/handshake.js';
import { handshakeRequest, VALID_HANDSHAKE } from './fakes.js';

const MAX_URL = 4096;

/** The valid handshake with its headers changed by `changes` (undefined removes one). */
function requestWith(changes: Record<string, string | undefined>, options: { method?: string; url?: string } = {}) {
  const headers = Object.fromEntries(Object.entries({ ...VALID_HANDSHAKE, ...changes }).filter(([, value]) => value !== undefined)) as Record<string, string>;
  return handshakeRequest(headers, options);
}

/** The problem (status and code) of {@link requestWith}'s request. */
function problemWith(changes: Record<string, string | undefined>, options: { method?: string; url?: string } = {}) {
  const problem = handshakeProblem(requestWith(changes, options), MAX_URL);
  return problem && { status: problem.status, code: problem.code };
}

describe('handshakeProblem', () => {
  it('finds none in a valid handshake, nor with the headers’ other valid spellings', () => {
    expect(problemWith({})).to.equal(undefined);
    expect(problemWith({ Upgrade: 'WebSocket', Connection: 'keep-alive, Upgrade' })).to.equal(undefined);
    expect(problemWith({ Connection: 'UPGRADE' })).to.equal(undefined);
    expect(problemWith({ 'Sec-WebSocket-Protocol': 'chat, superchat' })).to.equal(undefined);
  });

  it('refuses a URL over the quota with 414, and takes one of exactly the quota', () => {
    expect(problemWith({}, { url: `/dev?${'a'.repeat(MAX_URL - 5)}` })).to.equal(undefined);
    expect(problemWith({}, { url: `/dev?${'a'.repeat(MAX_URL - 4)}` })).to.deep.equal({ status: 414, code: 'url_too_long' });
  });

  it('holds to the quota it is given (the gateway option)', () => {
    const request = requestWith({}, { url: '/dev?abc' });
    expect(handshakeProblem(request, 8)).to.equal(undefined);
    expect(handshakeProblem(request, 7)).to.include({ status: 414, reason: 'URI Too Long' });
  });

  it('checks the URL first: a long URL with a bad method is a 414', () => {
    expect(problemWith({}, { method: 'POST', url: `/${'a'.repeat(MAX_URL)}` })).to.deep.equal({ status: 414, code: 'url_too_long' });
  });

  it('refuses any method but GET with 405', () => {
    for (const method of ['POST', 'PUT', 'HEAD', 'get', 'CONNECT']) {
      expect(problemWith({}, { method }), method).to.deep.equal({ status: 405, code: 'invalid_method' });
    }
  });

  it('refuses a missing or other Upgrade header with 400', () => {
    for (const upgrade of [undefined, '', 'h2c', 'websocket2', 'websocket, h2c']) {
      expect(problemWith({ Upgrade: upgrade }), String(upgrade)).to.deep.equal({ status: 400, code: 'invalid_upgrade' });
    }
  });

  it('refuses a Connection header without the upgrade token with 400', () => {
    for (const connection of [undefined, '', 'keep-alive', 'upgraded', 'up grade']) {
      expect(problemWith({ Connection: connection }), String(connection)).to.deep.equal({ status: 400, code: 'invalid_connection' });
    }
  });

  it('refuses a missing or malformed Sec-WebSocket-Key with 400 (base64 of exactly 16 bytes)', () => {
    const keys = [
      undefined,
      '',
      'dGhlIHNhbXBsZSBub25jZQ=', // one = short
      'dGhlIHNhbXBsZSBub25jZR==', // R: its last 4 bits are not zero, so not 16 bytes
      'dGhlIHNhbXBsZSBub25jZQ==x',
      'dGhlIHNhbXBsZSBub25j!Q==',
      'dGhlIHNhbXBsZSBub25jZQdGhlIHNhbXBsZSBub25jZQ==',
    ];
    for (const key of keys) expect(problemWith({ 'Sec-WebSocket-Key': key }), String(key)).to.deep.equal({ status: 400, code: 'invalid_key' });
  });

  it('refuses any version but 13 with 400, naming the version it speaks', () => {
    for (const version of [undefined, '', '8', '12', '13, 8', ' 13']) {
      expect(handshakeProblem(requestWith({ 'Sec-WebSocket-Version': version }), MAX_URL), String(version)).to.deep.equal({
        status: 400,
        code: 'invalid_version',
        reason: 'Missing or invalid Sec-WebSocket-Version header',
        headers: { 'Sec-WebSocket-Version': '13' },
      });
    }
  });

  it('leaves the subprotocol list to ws (one parser decides): a malformed one is no problem here', () => {
    for (const protocols of ['', 'chat,', 'chat\u00a0', 'a;b']) {
      expect(problemWith({ 'Sec-WebSocket-Protocol': protocols }), protocols).to.equal(undefined);
    }
  });
});
