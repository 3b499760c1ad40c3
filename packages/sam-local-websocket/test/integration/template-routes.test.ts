/** The gateway serves whatever routes the template declares: a copy with routes added and removed. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { connect, eventually, refusedStatus, type TestClient } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';
import { EXTRA_ROUTES_DIR } from '../helpers/fixtures.js';
import { addRoute, removeRoute, templateCopy } from '../helpers/template-copy.js';

describe('routes from a changed copy of the template', function () {
  this.timeout(30_000);
  let local: LocalGateway;
  let copy: ReturnType<typeof templateCopy>;
  const clients: TestClient[] = [];
  const open = async () => {
    const client = await connect(local.gateway.url);
    clients.push(client);
    return client;
  };

  before(async () => {
    copy = templateCopy((template) => {
      addRoute(template, 'echo', 'app.echo', { returnsBody: true });
      addRoute(template, 'explode', 'app.explode');
      addRoute(template, 'slow', 'app.slow', { timeout: 1 });
      addRoute(template, 'lingering', 'app.lingering', { timeout: 3, integrationTimeoutMs: 100 });
      removeRoute(template, 'Default');
    });
    local = await startLocalGateway({ template: copy.path });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  after(async () => {
    await local?.close();
    copy?.remove();
  });

  it('accepts connections when there is no $connect route, as AWS does', async () => {
    const withoutConnect = templateCopy((template) => removeRoute(template, 'Connect'));
    const bare = await startLocalGateway({ template: withoutConnect.path });
    try {
      const client = await connect(bare.gateway.url);
      expect(bare.gateway.registry.size).to.equal(1);
      await client.close();
    } finally {
      await bare.close();
      withoutConnect.remove();
    }
  });

  it('refuses to start, naming the cause and leaving nothing running, when a function does not build', async () => {
    const brokenDir = mkdtempSync(join(tmpdir(), 'broken-source-'));
    writeFileSync(join(brokenDir, 'app.ts'), 'export const handler = async () => { return {;\n');
    const broken = templateCopy((template) => addRoute(template, 'broken', 'app.handler', { codeUri: brokenDir }));
    const resourcesBefore = process.getActiveResourcesInfo().filter((type) => type !== 'Timeout').length;
    try {
      for (const watch of [false, true]) {
        const error = await startLocalGateway({ template: broken.path, watch }).then(
          (started) => started.close().then(() => null),
          (caught: Error) => caught,
        );
        expect(error?.message, `watch: ${watch}`).to.match(/BrokenFunction|Expected|Unexpected/);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const resourcesAfter = process.getActiveResourcesInfo().filter((type) => type !== 'Timeout').length;
      expect(resourcesAfter).to.be.at.most(resourcesBefore);
    } finally {
      broken.remove();
      rmSync(brokenDir, { recursive: true, force: true });
    }
  });

  it('runs $disconnect for a client that gave up while $connect ran', async () => {
    const slow = templateCopy((template) => {
      template.Resources.ConnectFunction.Properties!.CodeUri = EXTRA_ROUTES_DIR;
      template.Resources.ConnectFunction.Properties!.Handler = 'app.slowConnect';
    });
    const gateway = await startLocalGateway({ template: slow.path });
    try {
      const socket = new WebSocket(gateway.gateway.url);
      socket.on('error', () => {});
      await eventually(() => gateway.invocations.length === 0 && socket.readyState === WebSocket.CONNECTING);
      await new Promise((done) => setTimeout(done, 100));
      socket.terminate(); // gone before the handshake completes
      const invoked = (route: string) => gateway.invocations.find((outcome) => outcome.route === route);
      await eventually(() => invoked('$disconnect') !== undefined, 5000);
      expect(invoked('$disconnect')!.connectionId).to.equal(invoked('$connect')!.connectionId);
      expect(gateway.gateway.registry.size).to.equal(0);
    } finally {
      await gateway.close();
      slow.remove();
    }
  });

  it('refuses the handshake with 502 when $connect outlives its integration’s TimeoutInMillis, and stores nothing', async () => {
    const slow = templateCopy((template) => {
      template.Resources.ConnectFunction.Properties!.CodeUri = EXTRA_ROUTES_DIR;
      template.Resources.ConnectFunction.Properties!.Handler = 'app.slowConnect';
      template.Resources.ConnectIntegration.Properties!.TimeoutInMillis = 100;
    });
    const gateway = await startLocalGateway({ template: slow.path });
    try {
      expect(await refusedStatus(gateway.gateway.url)).to.equal(502);
      // Refused while slowConnect (400 ms) still runs: it has not been reported yet.
      expect(gateway.invocations.some((outcome) => outcome.route === '$connect')).to.equal(false);
      expect(gateway.gateway.registry.size).to.equal(0);
      // The function ran on to its end, and is reported then.
      await eventually(() => gateway.invocations.some((outcome) => outcome.route === '$connect'));
      expect(gateway.invocations.find((outcome) => outcome.route === '$connect')).to.include({ status: 200 });
    } finally {
      await gateway.close();
      slow.remove();
    }
  });

  it('serves an added route, and its route response sends the handler’s body back', async () => {
    const client = await open();
    client.socket.send('{"action":"echo","n":1}');
    expect(JSON.parse(await client.next())).to.deep.equal({ echo: '{"action":"echo","n":1}', routeKey: 'echo' });
  });

  it('still serves the template’s own routes', async () => {
    const [a, b] = [await open(), await open()];
    a.socket.send('{"action":"broadcast","data":"still here"}');
    expect(await b.next()).to.equal('still here');
  });

  it('sends API Gateway’s Internal server error frame when a handler throws', async () => {
    const client = await open();
    client.socket.send('{"action":"explode"}');
    const frame = JSON.parse(await client.next());
    expect(frame.message).to.equal('Internal server error');
    expect(frame.connectionId).to.be.a('string');
    expect(frame.requestId).to.be.a('string');
  });

  it('stops a handler at its template Timeout and answers Internal server error', async () => {
    const client = await open();
    const started = Date.now();
    client.socket.send('{"action":"slow"}');
    expect(JSON.parse(await client.next(5000)).message).to.equal('Internal server error');
    expect(Date.now() - started).to.be.within(900, 2500);
    expect(local.invocations.find((outcome) => outcome.route === 'slow')?.error).to.deep.equal({
      name: 'Sandbox.Timedout',
      message: 'Task timed out after 1.00 seconds',
    });
  });

  it('answers Endpoint request timed out at the integration’s TimeoutInMillis, while the function runs on to its end', async () => {
    const client = await open();
    client.socket.send('{"action":"lingering"}');
    const frame = await client.next(5000);
    expect(JSON.parse(frame)).to.include({ message: 'Endpoint request timed out' });
    expect(frame).to.match(/^\{"message": "Endpoint request timed out", "connectionId":"[\w=-]{16}", "requestId":"[\w=-]{16}"\}$/);
    expect(local.invocations.some((outcome) => outcome.route === 'lingering')).to.equal(false);
    await eventually(() => local.invocations.some((outcome) => outcome.route === 'lingering'));
    expect(local.invocations.find((outcome) => outcome.route === 'lingering')).to.include({ status: 200 });
  });

  it('answers API Gateway’s Forbidden frame when no route matches and there is no $default', async () => {
    const client = await open();
    client.socket.send('not json');
    client.socket.send('{"action":"nothing-like-this"}');
    expect(JSON.parse(await client.next()).message).to.equal('Forbidden');
    expect(JSON.parse(await client.next()).message).to.equal('Forbidden');
  });
});
