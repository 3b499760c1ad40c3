/**
 * What `$connect` and its authorizer answer decides the handshake, as on API Gateway: the
 * subprotocol `$connect` returns (only when the client offered it), 502 for a `$connect` that
 * throws, 403 for an authorizer's Deny and 500 for one that fails.
 */
import { expect } from 'chai';
import { connect, eventually, frame, OPCODES, rawWebSocket, refusedStatus } from 'websocket-test-clients';
import { EXTRA_ROUTES_DIR } from '../helpers/fixtures.js';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';
import { addRoute, templateCopy } from '../helpers/template-copy.js';

const TOKEN = 'a-long-local-test-token-7f3c';

/** The `$connect` invocations reported since `from` (an index into `local.invocations`). */
const connectsSince = (local: LocalGateway, from: number) => local.invocations.slice(from).filter((outcome) => outcome.route === '$connect');

describe('$connect answers: subprotocols (item 7) and a throwing $connect (item 8)', function () {
  this.timeout(120_000);
  let local: LocalGateway;
  let copy: ReturnType<typeof templateCopy>;
  before(async () => {
    copy = templateCopy((template) => {
      template.Resources.ConnectFunction.Properties!.CodeUri = EXTRA_ROUTES_DIR;
      template.Resources.ConnectFunction.Properties!.Handler = 'app.connectWithChatOrThrow';
    });
    local = await startLocalGateway({ template: copy.path });
  });
  after(async () => {
    await local?.close();
    copy?.remove();
  });

  const CASES: { name: string; target: string; offered?: string; status: number; protocol?: string }[] = [
    { name: '$connect returns chat, the client offers chat and superchat', target: '/dev', offered: 'superchat, chat', status: 101, protocol: 'chat' },
    { name: '$connect returns chat, the client offers only superchat', target: '/dev', offered: 'superchat', status: 101 },
    { name: '$connect returns chat, the client offers none', target: '/dev', status: 101 },
    { name: '$connect throws', target: '/dev?fail=1', offered: 'chat', status: 502 },
  ];
  for (const testCase of CASES) {
    it(`${testCase.name} → ${testCase.status}${testCase.protocol ? ` with ${testCase.protocol}` : ', no protocol'}`, async () => {
      const client = await rawWebSocket(local.gateway.port, testCase.target, { 'Sec-WebSocket-Protocol': testCase.offered });
      expect(client.status).to.equal(testCase.status);
      expect(client.headers['sec-websocket-protocol']).to.equal(testCase.protocol);
      if (testCase.status === 101) {
        client.send(frame(OPCODES.close, Buffer.from([0x03, 0xe8])));
      }
      await client.closed;
      await eventually(() => local.gateway.registry.size === 0);
      expect(await local.storedIds()).to.deep.equal([]);
    });
  }

  it('reports the throwing $connect as a failed invocation (the 502 is the gateway’s answer to it)', async () => {
    const before = local.invocations.length;
    const client = await rawWebSocket(local.gateway.port, '/dev?fail=1');
    expect(client.status).to.equal(502);
    await client.closed;
    const [outcome] = connectsSince(local, before);
    expect(outcome).to.include({ kind: 'route', function: 'ConnectFunction', invoked: true, status: 502 });
    expect(outcome.error).to.include({ message: 'this $connect always fails when asked to' });
  });
});

describe('$connect authorizer answers', function () {
  this.timeout(30_000);

  it('a Deny policy refuses with 403; a failing authorizer with 500', async () => {
    const denying = templateCopy((template) => {
      template.Resources.AuthorizerFunction.Properties!.CodeUri = EXTRA_ROUTES_DIR;
      template.Resources.AuthorizerFunction.Properties!.Handler = 'app.denyAll';
    });
    const crashing = templateCopy((template) => {
      template.Resources.AuthorizerFunction.Properties!.CodeUri = EXTRA_ROUTES_DIR;
      template.Resources.AuthorizerFunction.Properties!.Handler = 'app.explode';
    });
    const deny = await startLocalGateway({ template: denying.path, parameters: { AuthToken: TOKEN } });
    const crash = await startLocalGateway({ template: crashing.path, parameters: { AuthToken: TOKEN } });
    try {
      expect(await refusedStatus(`${deny.gateway.url}?Auth=${TOKEN}`)).to.equal(403);
      expect(await refusedStatus(`${crash.gateway.url}?Auth=${TOKEN}`)).to.equal(500);
    } finally {
      await deny.close();
      await crash.close();
      denying.remove();
      crashing.remove();
    }
  });
});

describe('$connect authorizer policies and context, judged as API Gateway judges them', function () {
  this.timeout(30_000);
  let local: LocalGateway;
  let copy: ReturnType<typeof templateCopy>;
  before(async () => {
    copy = templateCopy((template) => {
      template.Resources.AuthorizerFunction.Properties!.CodeUri = EXTRA_ROUTES_DIR;
      template.Resources.AuthorizerFunction.Properties!.Handler = 'app.policyByMode';
      addRoute(template, 'whoami', 'app.authorizerSeen', { returnsBody: true });
    });
    local = await startLocalGateway({ template: copy.path, parameters: { AuthToken: TOKEN } });
  });
  after(async () => {
    await local?.close();
    copy?.remove();
  });

  it('refuses with 403 an Allow for another stage’s ARN', async () => {
    expect(await refusedStatus(`${local.gateway.url}?Auth=${TOKEN}&mode=other-stage`)).to.equal(403);
  });

  it('refuses with 500 a context that holds an object', async () => {
    expect(await refusedStatus(`${local.gateway.url}?Auth=${TOKEN}&mode=nested`)).to.equal(500);
  });

  it('evaluates a single-object Statement with string Action and Resource, and passes the context on as strings', async () => {
    const client = await connect(`${local.gateway.url}?Auth=${TOKEN}`);
    try {
      client.socket.send('{"action":"whoami"}');
      const seen = JSON.parse(await client.next());
      expect(seen).to.include({ count: '3', admin: 'true', name: 'Ada', principalId: 'user-7' });
      expect(seen.integrationLatency).to.be.a('number');
    } finally {
      await client.close();
    }
  });
});
