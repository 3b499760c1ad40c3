import { expect } from 'chai';
import { EXAMPLE_MESSAGE, NOTICE_CODES } from '../../../functions/shared/constants.js';
import { encodeData, parseMessage } from '../../../functions/shared/messages.js';
import { noticeForUnroutable } from '../../../functions/shared/notices.js';

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
