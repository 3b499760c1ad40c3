import { expect } from 'chai';
import { decodeSegment, parseRequestTarget } from '../../../src/shared/request-url.js';

describe('local/request-url', () => {
  describe('parseRequestTarget', () => {
    it('reads an origin-form target: path and query as the client sent them', () => {
      const url = parseRequestTarget('/dev/@connections/abc%3D?x=1&y=a%20b');
      expect(url?.pathname).to.equal('/dev/@connections/abc%3D');
      expect(url?.searchParams.get('x')).to.equal('1');
      expect(url?.searchParams.get('y')).to.equal('a b');
    });

    it('keeps a target that looks like an authority (`//host:port/...`) a path on the fixed origin', () => {
      const url = parseRequestTarget('//a:99999/x');
      expect(url?.host).to.equal('localhost');
      expect(url?.pathname).to.equal('//a:99999/x');
    });

    it('answers undefined, never throws, for what is not origin-form', () => {
      for (const target of [undefined, '', '*', 'http://x:99999/', 'x/y', ' /leading-space']) {
        expect(parseRequestTarget(target), JSON.stringify(target)).to.equal(undefined);
      }
    });
  });

  describe('decodeSegment', () => {
    it('decodes percent-encoded UTF-8, `+` left as it is', () => {
      expect(decodeSegment('abc%3D')).to.equal('abc=');
      expect(decodeSegment('%C3%A4%2F+')).to.equal('ä/+');
      expect(decodeSegment('plain')).to.equal('plain');
    });

    it('answers undefined, never throws, for a malformed encoding', () => {
      for (const segment of ['%', '%E0%A4%A', '%zz', 'a%2', '%C3%28', '%FF']) {
        expect(decodeSegment(segment), segment).to.equal(undefined);
      }
    });
  });
});
