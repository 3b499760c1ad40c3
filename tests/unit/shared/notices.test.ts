import { expect } from 'chai';
import { EXAMPLE_MESSAGE, NOTICE_CODES } from '../../../functions/shared/constants.js';
import { encodeData, parseMessage } from '../../../functions/shared/messages.js';
import type { FanOutSummary } from '../../../functions/shared/fan-out.js';
import { broadcastOutcomeNotice, dispatchIncompleteNotice, noticeForUnroutable, type IncompleteNotice } from '../../../functions/shared/notices.js';

describe('noticeForUnroutable', () => {
  const cases: [string, string | undefined, string][] = [
    ['plain text', 'hello', NOTICE_CODES.notJson],
    ['an empty frame', '', NOTICE_CODES.notJson],
    ['no body at all', undefined, NOTICE_CODES.notJson],
    ['a JSON string', '"broadcast"', NOTICE_CODES.unknownAction],
    ['a JSON array', '[1,2]', NOTICE_CODES.unknownAction],
    ['JSON null', 'null', NOTICE_CODES.unknownAction],
    ['no action', '{"data":"x"}', NOTICE_CODES.unknownAction],
    ['a numeric action', '{"action":7}', NOTICE_CODES.unknownAction],
    ['an unknown action', '{"action":"sendmessage"}', NOTICE_CODES.unknownAction],
    ['another case', '{"action":"Broadcast"}', NOTICE_CODES.unknownAction],
  ];
  for (const [what, body, code] of cases) {
    it(`answers ${what} with ${code}, the actions and an example`, () => {
      const notice = noticeForUnroutable(body);
      expect(notice.error).to.equal(code);
      expect(notice.actions).to.deep.equal(['broadcast']);
      expect(notice.example).to.deep.equal(EXAMPLE_MESSAGE);
      expect(notice.message).to.be.a('string').and.not.empty;
    });
  }

  it('names the unknown action and cuts a very long one', () => {
    expect(noticeForUnroutable('{"action":"sendmessage"}').message).to.include('"sendmessage"');
    const long = noticeForUnroutable(JSON.stringify({ action: 'x'.repeat(10_000) })).message;
    expect(long.length).to.be.below(200);
  });
});

describe('messages', () => {
  it('parses only JSON objects as messages', () => {
    expect(parseMessage('{"a":1}')).to.deep.equal({ kind: 'object', value: { a: 1 } });
    expect(parseMessage('[]').kind).to.equal('not_object');
    expect(parseMessage('{').kind).to.equal('not_json');
  });

  it('sends a string as it is and anything else as JSON', () => {
    expect(encodeData('Tervehdys kaikille!')).to.equal('Tervehdys kaikille!');
    expect(encodeData('{"looks":"like json"}')).to.equal('{"looks":"like json"}');
    expect(encodeData({ a: [1, 2] })).to.equal('{"a":[1,2]}');
    expect(encodeData(42)).to.equal('42');
    expect(encodeData(false)).to.equal('false');
    expect(encodeData('')).to.equal('');
  });
});

describe('broadcast outcome notices', () => {
  const summary = (counts: Partial<FanOutSummary>): FanOutSummary => ({
    recipients: 0,
    delivered: 0,
    staleRemoved: 0,
    failed: 0,
    uncertain: 0,
    timedOut: false,
    ms: 1,
    ...counts,
  });
  const cases: [string, Partial<FanOutSummary>, boolean, string | undefined, string | undefined][] = [
    ['everyone reached', { recipients: 5, delivered: 5 }, true, undefined, undefined],
    ['everyone reached or gone', { recipients: 5, delivered: 3, staleRemoved: 2 }, true, undefined, undefined],
    ['some posts failed', { recipients: 5, delivered: 3, failed: 2, uncertain: 1 }, true, 'broadcast_incomplete', 'posts_failed'],
    ['every post failed, some may have arrived', { recipients: 2, failed: 2, uncertain: 1 }, true, 'broadcast_incomplete', 'posts_failed'],
    ['every post failed and none can have arrived', { recipients: 2, failed: 2 }, true, 'broadcast_failed', undefined],
    ['time ran out after some', { recipients: 3, delivered: 3, timedOut: true }, true, 'broadcast_incomplete', 'timed_out'],
    ['time ran out before any', { timedOut: true }, true, 'broadcast_failed', undefined],
    ['the table failed midway', { recipients: 2, delivered: 2 }, false, 'broadcast_incomplete', 'recipients_unreadable'],
    ['the table failed at once', {}, false, 'broadcast_failed', undefined],
  ];
  for (const [what, counts, readToEnd, code, reason] of cases) {
    it(`${what}: ${code ?? 'no notice'}${reason ? ` (${reason})` : ''}`, () => {
      const notice = broadcastOutcomeNotice('b-1', summary(counts), readToEnd);
      expect(notice?.error).to.equal(code);
      if (!notice) return;
      expect(notice.broadcastId).to.equal('b-1');
      expect((notice as IncompleteNotice).reason).to.equal(reason);
      // "Try again" only when nothing can have been delivered to anyone.
      expect(notice.message.includes('try again')).to.equal(code === NOTICE_CODES.broadcastFailed);
    });
  }

  it('a dispatch whose workers did not all start says how many did', () => {
    expect(dispatchIncompleteNotice('b-2', 4, 3)).to.include({
      error: 'broadcast_incomplete',
      reason: 'workers_not_started',
      workers: 4,
      workersStarted: 3,
      workersFailed: 1,
      broadcastId: 'b-2',
    });
  });
});
