import { expect } from 'chai';
import { ConnectProtocols } from '../../../src/api-gateway/subprotocol.js';
import { handshakeRequest, outcome, VALID_HANDSHAKE } from './fakes.js';

/** What `ws` asks with the protocols a client offered, after `$connect` answered `result`. */
function chosen(result: unknown, offered: string[]): string | false {
  const protocols = new ConnectProtocols();
  const request = handshakeRequest({ ...VALID_HANDSHAKE, 'Sec-WebSocket-Protocol': offered.join(', ') });
  protocols.remember(request, outcome({ result }));
  return protocols.choose(new Set(offered), request);
}

describe('the subprotocol a handshake answers', () => {
  it('is the one $connect returned in Sec-WebSocket-Protocol, when the client offered it', () => {
    expect(chosen({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'chat' } }, ['superchat', 'chat'])).to.equal('chat');
  });

  it('reads the header in any case, trimmed, and from multiValueHeaders (its first value)', () => {
    expect(chosen({ headers: { 'sec-websocket-protocol': ' chat ' } }, ['chat'])).to.equal('chat');
    expect(chosen({ headers: { 'SEC-WEBSOCKET-PROTOCOL': 'chat' } }, ['chat'])).to.equal('chat');
    expect(chosen({ multiValueHeaders: { 'Sec-WebSocket-Protocol': ['chat', 'superchat'] } }, ['chat', 'superchat'])).to.equal('chat');
  });

  it('prefers headers to multiValueHeaders', () => {
    expect(chosen({ headers: { 'Sec-WebSocket-Protocol': 'a' }, multiValueHeaders: { 'Sec-WebSocket-Protocol': ['b'] } }, ['a', 'b'])).to.equal('a');
  });

  it('is none when the client did not offer the one $connect returned', () => {
    expect(chosen({ headers: { 'Sec-WebSocket-Protocol': 'admin' } }, ['chat'])).to.equal(false);
    // A list returned is not split: API Gateway answers one protocol.
    expect(chosen({ headers: { 'Sec-WebSocket-Protocol': 'chat, superchat' } }, ['chat', 'superchat'])).to.equal(false);
  });

  it('is none, whatever the client offered, when $connect returned none or nothing usable', () => {
    for (const result of [
      { statusCode: 200 },
      { headers: {} },
      { headers: { 'Sec-WebSocket-Protocol': '' } },
      { headers: { 'Sec-WebSocket-Protocol': 42 } },
      { headers: { 'Sec-WebSocket-Protocol': ['chat'] } },
      { multiValueHeaders: { 'Sec-WebSocket-Protocol': [] } },
      null,
      undefined,
      'chat',
    ]) {
      expect(chosen(result, ['chat']), JSON.stringify(result)).to.equal(false);
    }
  });

  it('is none when $connect failed', () => {
    const protocols = new ConnectProtocols();
    const request = handshakeRequest({ ...VALID_HANDSHAKE, 'Sec-WebSocket-Protocol': 'chat' });
    protocols.remember(request, outcome({ error: { name: 'Error', message: 'boom' } }));
    expect(protocols.choose(new Set(['chat']), request)).to.equal(false);
  });

  it('is kept per handshake: another request gets none', () => {
    const protocols = new ConnectProtocols();
    const first = handshakeRequest({ ...VALID_HANDSHAKE, 'Sec-WebSocket-Protocol': 'chat' });
    const second = handshakeRequest({ ...VALID_HANDSHAKE, 'Sec-WebSocket-Protocol': 'chat' });
    protocols.remember(first, outcome({ result: { headers: { 'Sec-WebSocket-Protocol': 'chat' } } }));
    expect(protocols.choose(new Set(['chat']), first)).to.equal('chat');
    expect(protocols.choose(new Set(['chat']), second)).to.equal(false);
    expect(new ConnectProtocols().choose(new Set(['chat']), first), 'another gateway’s').to.equal(false);
  });
});
