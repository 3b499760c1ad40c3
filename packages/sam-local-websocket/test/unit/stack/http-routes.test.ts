import { expect } from 'chai';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sinon from 'sinon';
import { httpHandler, type HttpRoutes } from '../../../src/stack/http-routes.js';
import { rawExchange, serveOnFreePort, type TestServer } from 'websocket-test-clients';
import { tempFiles } from '../../helpers/temp-files.js';

/** A collaborator that answers 200 with its own name, so a test sees who answered. */
const answersAs = (who: string) => (_request: IncomingMessage, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'text/plain' }).end(who);
};

describe('local/http', () => {
  let server: TestServer | undefined;
  const inPage = tempFiles({ 'index.html': '<meta name="websocket-url" content="" />' });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Serves `httpHandler` on a free port with faked collaborators; `optional` adds the optional ones. */
  async function serve(optional: { guard?: boolean; issuer?: boolean; page?: boolean } = {}) {
    const fakes = {
      handle: sinon
        .stub<[IncomingMessage, ServerResponse, string, Buffer | undefined], Promise<void>>()
        .callsFake(async (request, response) => answersAs('registry')(request, response)),
      guard: sinon.stub<[IncomingMessage, ServerResponse, string], Promise<Buffer | undefined>>(),
      invokeApi: sinon.stub<[IncomingMessage, ServerResponse, string, URLSearchParams], boolean>().returns(false),
      owns: sinon.spy((pathname: string) => pathname.startsWith('/local-issuer')),
      issuerHandle: sinon.spy((request: IncomingMessage, response: ServerResponse, _pathname: string) => answersAs('issuer')(request, response)),
    };
    const routes: HttpRoutes = {
      stagePath: '/dev',
      connectionsApi: fakes.handle,
      invokeApi: fakes.invokeApi,
      guard: optional.guard ? fakes.guard : undefined,
      issuer: optional.issuer ? ({ owns: fakes.owns, handle: fakes.issuerHandle } as unknown as HttpRoutes['issuer']) : undefined,
      pageDir: optional.page ? inPage('') : undefined,
    };
    server = await serveOnFreePort(httpHandler(routes));
    const origin = server.origin;
    return { ...fakes, port: server.port, url: (path: string) => `${origin}${path}` };
  }

  /** Sends a request line as it is (fetch would normalise the target). */
  const sendRaw = (port: number, target: string, method = 'GET') =>
    rawExchange(port, `${method} ${target} HTTP/1.1\r\nHost: gw.test:3001\r\nConnection: close\r\n\r\n`);

  it('answers the stage itself with 426 (it wants a WebSocket) and anything else with API Gateway’s 403, as JSON', async () => {
    const { url } = await serve();
    const stage = await fetch(url('/dev?x=1'));
    expect([stage.status, stage.headers.get('content-type'), await stage.json()]).to.deep.equal([426, 'application/json', { message: 'Upgrade Required' }]);
    for (const path of ['/', '/devx', '/dev/', '/dev/@connections/', '/local-issuer/x']) {
      const other = await fetch(url(path), { method: 'POST', body: 'ignored' });
      expect([other.status, await other.json()], path).to.deep.equal([403, { message: 'Forbidden' }]);
    }
  });

  it('answers 400 to a target that is not origin-form, before any route sees it', async () => {
    const { port, invokeApi, handle } = await serve();
    for (const target of ['*', 'http://x:99999/dev']) {
      const answer = await sendRaw(port, target, 'OPTIONS');
      expect([answer.status, JSON.parse(answer.body)], target).to.deep.equal([400, { message: 'Bad Request' }]);
    }
    expect(invokeApi.called || handle.called).to.equal(false);
  });

  it('answers 400 to a connection id whose percent-encoding is malformed, calling nothing', async () => {
    const { url, invokeApi, guard, handle } = await serve({ guard: true });
    for (const id of ['%E0%A4%A', '%', 'a%zz', '%FF']) {
      const answer = await fetch(url(`/dev/@connections/${id}`), { method: 'POST', body: 'x' });
      expect([answer.status, await answer.json()], id).to.deep.equal([400, { message: 'Bad Request' }]);
      expect(answer.headers.get('x-amzn-requestid'), id).to.match(/^[0-9a-f-]{36}$/);
    }
    expect(invokeApi.called || guard.called || handle.called).to.equal(false);
  });

  it('hands a @connections call to the registry with its id decoded (no guard: no body read)', async () => {
    const { url, handle } = await serve();
    const answer = await fetch(url('/dev/@connections/abc%3D'), { method: 'POST', body: 'hi' });
    expect([answer.status, await answer.text()]).to.deep.equal([200, 'registry']);
    expect(handle.calledOnce).to.equal(true);
    expect(handle.firstCall.args.slice(2)).to.deep.equal(['abc=', undefined]);
  });

  it('with a guard, hands the registry the body the guard let through, and nothing the guard refused', async () => {
    const { url, guard, handle } = await serve({ guard: true });
    guard.resolves(Buffer.from('checked body'));
    expect(await (await fetch(url('/dev/@connections/id%2B1'), { method: 'POST', body: 'x' })).text()).to.equal('registry');
    expect(guard.firstCall.args[2]).to.equal('id+1');
    expect(handle.firstCall.args.slice(2)).to.deep.equal(['id+1', Buffer.from('checked body')]);

    guard.resetBehavior();
    guard.callsFake(async (_request, response) => {
      response.writeHead(403).end('refused by the guard');
      return undefined;
    });
    const refused = await fetch(url('/dev/@connections/other'), { method: 'DELETE' });
    expect([refused.status, await refused.text()]).to.deep.equal([403, 'refused by the guard']);
    expect(handle.calledOnce).to.equal(true);
  });

  it('answers 500 with the message when the guard or the registry fails before answering', async () => {
    const { url, guard, handle } = await serve({ guard: true });
    guard.rejects(new Error('guard broke'));
    const fromGuard = await fetch(url('/dev/@connections/a'), { method: 'POST', body: 'x' });
    expect([fromGuard.status, await fromGuard.json()]).to.deep.equal([500, { message: 'guard broke' }]);
    expect(handle.called).to.equal(false);

    guard.resolves(Buffer.from('x'));
    handle.rejects(new Error('registry broke'));
    const fromRegistry = await fetch(url('/dev/@connections/a'), { method: 'POST', body: 'x' });
    expect([fromRegistry.status, await fromRegistry.json()]).to.deep.equal([500, { message: 'registry broke' }]);
  });

  it('cuts the connection when the registry fails after it began answering (no second status line)', async () => {
    const { url, handle } = await serve();
    handle.callsFake(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
      throw new Error('failed half-way');
    });
    const answer = await fetch(url('/dev/@connections/a'));
    expect(answer.status).to.equal(200);
    expect(await answer.text().catch((error: Error) => error)).to.be.instanceOf(Error); // the body never completes
  });

  it('lets the Invoke API answer its own paths, with the path and query it was sent; @connections calls never reach it', async () => {
    const { url, invokeApi, handle } = await serve();
    invokeApi.callsFake((_request, response, pathname) => {
      if (!pathname.startsWith('/2015-03-31/functions/')) return false;
      answersAs('invoke api')(_request, response);
      return true;
    });
    const answer = await fetch(url('/2015-03-31/functions/Fn%3A1/invocations?Qualifier=%24LATEST'), { method: 'POST', body: '{}' });
    expect(await answer.text()).to.equal('invoke api');
    const [, , pathname, search] = invokeApi.firstCall.args;
    expect([pathname, search.get('Qualifier')]).to.deep.equal(['/2015-03-31/functions/Fn%3A1/invocations', '$LATEST']);
    // Paths it does not take go on to the other routes.
    expect((await fetch(url('/dev'))).status).to.equal(426);
    expect(await (await fetch(url('/dev/@connections/a'))).text()).to.equal('registry');
    expect(handle.calledOnce).to.equal(true);
    expect(invokeApi.getCalls().map((call) => call.args[2])).to.deep.equal(['/2015-03-31/functions/Fn%3A1/invocations', '/dev']);
  });

  it('hands the local issuer the paths it owns, when it runs', async () => {
    const { url, owns, issuerHandle } = await serve({ issuer: true });
    const answer = await fetch(url('/local-issuer/.well-known/openid-configuration?x=1'));
    expect(await answer.text()).to.equal('issuer');
    expect(issuerHandle.firstCall.args[2]).to.equal('/local-issuer/.well-known/openid-configuration');
    expect((await fetch(url('/dev'))).status).to.equal(426);
    expect(owns.calledWith('/dev')).to.equal(true);
    expect(issuerHandle.calledOnce).to.equal(true);
  });

  it('serves the try-it page to GET only, its WebSocket URL built from the request’s Host', async () => {
    const { port, url } = await serve({ page: true });
    const page = await sendRaw(port, '/');
    expect([page.status, page.body]).to.deep.equal([200, '<meta name="websocket-url" content="ws://gw.test:3001/dev" />']);
    expect((await fetch(url('/'), { method: 'POST', body: 'x' })).status).to.equal(403);
    expect((await fetch(url('/missing.html'))).status).to.equal(403);
  });

  it('serves no page when there is none', async () => {
    const { url } = await serve();
    expect((await fetch(url('/'))).status).to.equal(403);
  });
});
