import { expect } from 'chai';
import { classifyFrame, connectionUrl, describeClose } from '../../../web/frames.js';

describe('the page’s frame classification', () => {
  it('tells broadcasts, app notices and API Gateway errors apart', () => {
    expect(classifyFrame('Tervehdys kaikille!')).to.deep.equal({ kind: 'broadcast', text: 'Tervehdys kaikille!' });
    expect(classifyFrame('{"text":"Hei"}').kind).to.equal('broadcast');
    expect(classifyFrame('42').kind).to.equal('broadcast');
    expect(classifyFrame('{"error":"unknown_action","message":"Unknown action \\"x\\".","actions":["broadcast"]}')).to.deep.equal({
      kind: 'notice',
      text: 'unknown_action: Unknown action "x".',
    });
    expect(classifyFrame('{"message":"Forbidden","connectionId":"a=","requestId":"b="}')).to.deep.equal({
      kind: 'error',
      text: 'API Gateway: Forbidden',
    });
    expect(classifyFrame('{"message":"Internal server error","connectionId":"a=","requestId":"b="}').kind).to.equal('error');
  });

  it('adds the token as ?Auth= only when there is one', () => {
    expect(connectionUrl(' ws://localhost:3001/dev ', '')).to.equal('ws://localhost:3001/dev');
    expect(connectionUrl('wss://abc.execute-api.eu-north-1.amazonaws.com/dev', 'a b&c')).to.equal(
      'wss://abc.execute-api.eu-north-1.amazonaws.com/dev?Auth=a+b%26c',
    );
    expect(() => connectionUrl('not a url', '')).to.throw();
  });

  it('names close codes', () => {
    expect(describeClose(1000)).to.equal('1000 closed normally');
    expect(describeClose(1009)).to.include('too big');
    expect(describeClose(4000)).to.equal('4000');
  });
});
