/**
 * Bad input, table-driven, through the local gateway over real sockets: each frame gets a
 * specific answer, and the table holds exactly what it should afterwards.
 */
import { expect } from 'chai';
import { NOTICE_CODES } from '../../functions/shared/constants.js';
import { CLOSE_CODES } from 'sam-local-websocket';
import { caseTitle, connect, eventually, sendFragmented, type TestClient } from 'websocket-test-clients';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

/** What a frame must get. */
type Expected =
  | { notice: string } // a JSON notice with this `error`, to the sender only
  | { broadcast: string } // this exact text, to everyone
  | { close: number } // the connection closes with this code
  | { frame: string }; // API Gateway's own frame with this `message`

interface Case {
  name: string;
  frame: string | Buffer;
  binary?: boolean;
  /** Sent in 32 KB fragments (API Gateway closes a single frame over 32 KB with 1009). */
  fragmented?: boolean;
  expect: Expected;
}

const bc = (data: unknown) => JSON.stringify({ action: 'broadcast', data });
const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

const CASES: Case[] = [
  { name: 'an empty frame', frame: '', expect: { notice: NOTICE_CODES.notJson } },
  { name: 'whitespace only', frame: '   \n\t ', expect: { notice: NOTICE_CODES.notJson } },
  { name: 'plain text', frame: 'hello there', expect: { notice: NOTICE_CODES.notJson } },
  { name: 'truncated JSON', frame: '{"action":"broadcast","data":"x"', expect: { notice: NOTICE_CODES.notJson } },
  { name: 'a JSON string', frame: '"broadcast"', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'a JSON number', frame: '42', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'a JSON array', frame: '[{"action":"broadcast","data":"x"}]', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'JSON null', frame: 'null', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'no action', frame: '{"data":"x"}', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'an empty action', frame: '{"action":"","data":"x"}', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'a numeric action', frame: '{"action":1,"data":"x"}', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'an object as action', frame: '{"action":{"name":"broadcast"},"data":"x"}', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'another case (Broadcast)', frame: '{"action":"Broadcast","data":"x"}', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'an action padded with spaces', frame: '{"action":" broadcast ","data":"x"}', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'an unknown action', frame: '{"action":"sendmessage","data":"x"}', expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'a very long action', frame: JSON.stringify({ action: 'a'.repeat(100_000) }), fragmented: true, expect: { notice: NOTICE_CODES.unknownAction } },
  { name: 'data missing', frame: '{"action":"broadcast"}', expect: { notice: NOTICE_CODES.missingData } },
  { name: 'data null', frame: bc(null), expect: { notice: NOTICE_CODES.missingData } },
  { name: 'data an empty string', frame: bc(''), expect: { broadcast: '' } },
  { name: 'data an object', frame: bc({ text: 'Hei', to: ['all'] }), expect: { broadcast: '{"text":"Hei","to":["all"]}' } },
  { name: 'data an array', frame: bc([1, 'two', null]), expect: { broadcast: '[1,"two",null]' } },
  { name: 'data a number', frame: bc(3.5), expect: { broadcast: '3.5' } },
  { name: 'data a boolean', frame: bc(false), expect: { broadcast: 'false' } },
  { name: 'data with unicode', frame: bc('Tervehdys kaikille! 👋 ÅÄÖ'), expect: { broadcast: 'Tervehdys kaikille! 👋 ÅÄÖ' } },
  { name: 'extra fields', frame: JSON.stringify({ action: 'broadcast', data: 'x', room: 'a', priority: 9 }), expect: { broadcast: 'x' } },
  { name: 'a 100 KB string that still fits', frame: bc('y'.repeat(100 * 1024)), fragmented: true, expect: { broadcast: 'y'.repeat(100 * 1024) } },
  {
    name: 'deeply nested JSON data (50,000 levels)',
    frame: `{"action":"broadcast","data":${deep(50_000)}}`,
    fragmented: true,
    expect: { notice: NOTICE_CODES.invalidData },
  },
  {
    name: 'data that re-encodes to over 128 KB (24,000 × 1e20)',
    frame: `{"action":"broadcast","data":[${Array(24_000).fill('1e20').join(',')}]}`,
    fragmented: true,
    expect: { notice: NOTICE_CODES.payloadTooLarge },
  },
  { name: 'a single 40 KB frame', frame: bc('w'.repeat(40 * 1024)), expect: { close: CLOSE_CODES.messageTooBig } },
  { name: 'a 129 KB message', frame: bc('z'.repeat(129 * 1024)), fragmented: true, expect: { close: CLOSE_CODES.messageTooBig } },
  { name: 'a binary frame', frame: Buffer.from('{"action":"broadcast","data":"x"}'), binary: true, expect: { close: CLOSE_CODES.unsupportedData } },
  { name: 'invalid UTF-8', frame: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), binary: false, expect: { close: 1007 } },
];

describe('bad input (table-driven, real sockets)', function () {
  this.timeout(60_000);
  let local: LocalGateway;
  before(async () => {
    local = await startLocalGateway();
  });
  after(async () => {
    await local.close();
  });

  /** Every connection id in the table. */
  const storedIds = () => local.storedIds();

  it('covers every answer a client’s frame can get: each notice a bad frame causes, a broadcast, each close code', () => {
    // The notices a client's own frame can cause (the broadcast_* ones come from @connections failures: faults.test.ts).
    const clientNotices = Object.values(NOTICE_CODES).filter((code) => !code.startsWith('broadcast_'));
    const expectations = CASES.map((testCase) => testCase.expect);
    const covered = (kind: string, value: unknown) => expectations.some((expected) => (expected as Record<string, unknown>)[kind] === value);
    for (const code of clientNotices) expect(covered('notice', code), `a case answered with ${code}`).to.equal(true);
    for (const code of [CLOSE_CODES.messageTooBig, CLOSE_CODES.unsupportedData, 1007])
      expect(covered('close', code), `a case closed with ${code}`).to.equal(true);
    expect(expectations.some((expected) => 'broadcast' in expected)).to.equal(true);
    expect(new Set(CASES.map((testCase) => testCase.name)).size, 'case names are unique').to.equal(CASES.length);
  });

  for (const testCase of CASES) {
    it(caseTitle(testCase.name, testCase.expect), async () => {
      let sender: TestClient | undefined;
      let observer: TestClient | undefined;
      try {
        sender = await connect(local.gateway.url);
        observer = await connect(local.gateway.url);
        const ids = [connectionIdOf(local, sender), connectionIdOf(local, observer)].sort();
        if (testCase.fragmented) sendFragmented(sender.socket, testCase.frame);
        else sender.socket.send(testCase.frame, { binary: testCase.binary ?? false });
        const expected = testCase.expect;

        if ('notice' in expected) {
          const notice = JSON.parse(await sender.next());
          expect(notice.error).to.equal(expected.notice);
          expect(notice.message)
            .to.be.a('string')
            .and.not.match(/at .*\(.*:\d+:\d+\)/); // no stack trace
          expect(notice.actions).to.deep.equal(['broadcast']);
        } else if ('broadcast' in expected) {
          expect(await observer.next()).to.equal(expected.broadcast);
          expect(await sender.next()).to.equal(expected.broadcast);
        } else if ('close' in expected) {
          expect((await sender.closed).code).to.equal(expected.close);
        }

        // Stored state: the open connections, and nothing for a closed one.
        if ('close' in expected) {
          await eventually(async () => JSON.stringify(await storedIds()) === JSON.stringify([connectionIdOf(local, observer!)]));
        } else {
          expect(await storedIds()).to.deep.equal(ids);
        }
        // Nothing else reached anyone (a notice goes to the sender only).
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(observer.pending()).to.deep.equal([]);
        expect(sender.pending()).to.deep.equal([]);
      } finally {
        await sender?.close();
        await observer?.close();
        await eventually(async () => (await storedIds()).length === 0);
      }
    });
  }

  describe('events that did not come from API Gateway (direct invocation)', () => {
    for (const [what, event] of [
      ['no requestContext', { body: bc('x') }],
      ['no connectionId', { body: bc('x'), requestContext: { routeKey: 'broadcast', eventType: 'MESSAGE' } }],
    ] as const) {
      it(`${what}: 400 with the reason, and no broadcast`, async () => {
        const outcome = await local.gateway.functions.get('BroadcastFunction')!.invoke(event);
        expect(outcome.ok).to.equal(true);
        const result = (outcome as { result: { statusCode: number; body: string } }).result;
        expect(result.statusCode).to.equal(400);
        expect(result.body).to.match(/requestContext|connectionId/);
      });
    }
  });
});
