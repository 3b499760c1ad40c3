import { expect } from 'chai';
import { escapeAttribute, servePage } from '../../../src/page/serve-page.js';
import { fakeResponse } from '../../helpers/fake-http.js';
import { tempFiles } from '../../helpers/temp-files.js';

const INDEX = '<html><head><meta name="websocket-url" content="" /></head></html>';

describe('local/page', () => {
  const inPage = tempFiles({ 'index.html': INDEX, 'app.js': 'console.log("$&");', 'style.css': 'body { color: red }' });
  let pageDir: string;
  before(() => (pageDir = inPage('')));

  it('escapes the five characters that can leave an HTML attribute', () => {
    expect(escapeAttribute(`a&b<c>d"e'f`)).to.equal('a&#38;b&#60;c&#62;d&#34;e&#39;f');
    expect(escapeAttribute('ws://localhost:3001/dev')).to.equal('ws://localhost:3001/dev');
  });

  it('serves the page at / and /index.html with the gateway’s WebSocket URL filled in, never cached', () => {
    for (const path of ['/', '/index.html']) {
      const response = fakeResponse();
      expect(servePage(pageDir, path, 'ws://localhost:3001/dev', response.response)).to.equal(true);
      expect(response.writeHead.calledOnceWithExactly(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })).to.equal(true);
      expect(response.body()).to.equal(INDEX.replace('content=""', 'content="ws://localhost:3001/dev"'));
    }
  });

  it('escapes a hostile Host in the URL, and expands no `$` pattern in it', () => {
    const response = fakeResponse();
    servePage(pageDir, '/', 'ws://"><script>x</script>$$$`/dev', response.response);
    const html = response.body();
    expect(html).to.include('content="ws://&#34;&#62;&#60;script&#62;x&#60;/script&#62;$$$`/dev"');
    expect(html).to.not.include('<script>');
  });

  it('serves the script and the style sheet as they are, with their types', () => {
    const script = fakeResponse();
    servePage(pageDir, '/app.js', 'ws://x/dev', script.response);
    expect(script.writeHead.firstCall.args).to.deep.equal([200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }]);
    expect(script.body()).to.equal('console.log("$&");');
    const style = fakeResponse();
    servePage(pageDir, '/style.css', 'ws://x/dev', style.response);
    expect(style.writeHead.firstCall.args).to.deep.equal([200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-store' }]);
    expect(style.body()).to.equal('body { color: red }');
  });

  it('answers false and leaves the response alone for any other path, a file beside the page’s or outside it', () => {
    for (const path of ['/favicon.ico', '/app.ts', '/../index.html', '/index.html/', '/APP.JS', '/constructor', '/__proto__', '']) {
      const response = fakeResponse();
      expect(servePage(pageDir, path, 'ws://x/dev', response.response), path).to.equal(false);
      expect(response.writeHead.called || response.end.called, path).to.equal(false);
    }
  });
});
