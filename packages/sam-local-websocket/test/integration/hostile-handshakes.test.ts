/**
 * Handshakes whose names are not names, and subprotocol lists only `ws` can judge (issue 32
 * items 3 and 7): every handshake is answered, any query or header name is data, and a
 * handshake `ws` refuses never runs `$connect` (no record without `$disconnect`).
 */
import { expect } from 'chai';
import { connect, eventually, handshakeRequest, rawExchange } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

/** Names that are properties of every plain object (or its prototype). */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
/** Subprotocol lists with a space `trim()` removes and `ws` does not take (sent as latin1 bytes where one byte holds it). */
export const SPACED_PROTOCOLS = ['chat\u00a0', '\u00a0chat', 'chat,\u00a0superchat', 'chat\u0085', 'ch\u00a0at'];

describe('hostile handshakes (issue 32 items 3, 7)', function () {
  this.timeout(60_000);
  let local: LocalGateway;
  before(async () => {
    local = await startLocalGateway({ watch: false });
  });
  after(() => local?.close());

  /** Stored records are exactly the open connections (none orphaned). */
  const noOrphans = () =>
    eventually(async () => {
      const open = [...local.gateway.registry.all()].map((connection) => connection.connectionId).sort();
      return JSON.stringify(await local.storedIds()) === JSON.stringify(open);
    });

  for (const name of PROTOTYPE_NAMES) {
    it(`answers a handshake with ?${name}=1 and a header ${name}: x, and passes both to $connect as data`, async () => {
      const from = local.invocations.length;
      const client = await connect(`${local.gateway.url}?${name}=1`, name === '__proto__' ? {} : { [name]: 'x' });
      try {
        const connectOutcome = local.invocations.slice(from).find((outcome) => outcome.route === '$connect');
        expect(connectOutcome?.status).to.equal(200);
        expect(local.gateway.registry.size).to.equal(1);
        await noOrphans(); // its record is stored while it is open
      } finally {
        await client.close();
      }
      await noOrphans();
    });
  }

  it('answers a raw handshake whose header and query names are all prototype names', async () => {
    const headers = Object.fromEntries(PROTOTYPE_NAMES.map((name) => [name, 'x']));
    const query = PROTOTYPE_NAMES.map((name) => `${name}=1`).join('&');
    const answer = await rawExchange(local.gateway.port, handshakeRequest(`/${local.gateway.stage}?${query}`, headers), 1000);
    expect(answer.status).to.equal(101);
    await noOrphans();
  });

  for (const protocols of SPACED_PROTOCOLS) {
    it(`refuses Sec-WebSocket-Protocol ${JSON.stringify(protocols)} with 400 before $connect runs`, async () => {
      const from = local.invocations.length;
      const request = Buffer.from(handshakeRequest(`/${local.gateway.stage}`, { 'Sec-WebSocket-Protocol': protocols }), 'latin1');
      const answer = await rawExchange(local.gateway.port, request, 5000);
      expect(answer.status).to.equal(400);
      expect(answer.closedByServer).to.equal(true);
      expect(local.invocations.slice(from).filter((outcome) => outcome.route === '$connect')).to.deep.equal([]);
      await noOrphans();
    });
  }
});
