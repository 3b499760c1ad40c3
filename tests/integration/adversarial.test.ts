/**
 * Adversarial clients, table-driven, over raw sockets (node:net) and raw HTTP: each request
 * gets a clear answer, and after every case the gateway still answers and the table holds
 * exactly the gateway's open connections (issue 11).
 */
import { expect } from 'chai';
import { NOTICE_CODES } from '../../functions/shared/constants.js';
import { API_GATEWAY_LIMITS, CLOSE_CODES } from 'sam-local-websocket';
import {
  caseTitle,
  connect,
  eventually,
  frame,
  handshakeRequest,
  OPCODES,
  openSocket,
  rawExchange,
  rawWebSocket,
  type RawWebSocket,
  type TestClient,
  webSocketKey,
} from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

const FRAME_LIMIT = API_GATEWAY_LIMITS.maxFrameBytes;
const bc = (data: unknown) => JSON.stringify({ action: 'broadcast', data });
/** A message in text fragments of at most `size` bytes. */
const fragments = (text: string, size = FRAME_LIMIT): Buffer[] => {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    out.push(frame(offset === 0 ? OPCODES.text : OPCODES.continuation, bytes.subarray(offset, offset + size), { fin: offset + size >= bytes.length }));
  }
  return out;
};
/** A broadcast message padded to exactly `bytes` bytes. */
const broadcastOfSize = (bytes: number) => bc('p'.repeat(bytes - bc('').length));

/** The stored connection ids and the gateway's open ones, sorted. */
async function tableAndOpen(local: LocalGateway) {
  return {
    stored: await local.storedIds(),
    open: [...local.gateway.registry.all()].map((connection) => connection.connectionId).sort(),
  };
}

/** The `$connect` invocations reported since `from` (an index into `local.invocations`). */
const connectsSince = (local: LocalGateway, from: number) => local.invocations.slice(from).filter((outcome) => outcome.route === '$connect');

/** The gateway still answers HTTP and WebSocket, and the table holds exactly its open connections. */
async function expectHealthy(local: LocalGateway): Promise<void> {
  expect((await rawExchange(local.gateway.port, 'GET /dev HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status).to.equal(426);
  const probe = await connect(local.gateway.url);
  await probe.close();
  let last = await tableAndOpen(local);
  try {
    await eventually(async () => {
      last = await tableAndOpen(local);
      return JSON.stringify(last.stored) === JSON.stringify(last.open);
    });
  } catch {
    expect(last.stored, 'stored ids = open connections').to.deep.equal(last.open);
  }
}

describe('adversarial clients (table-driven, raw sockets and HTTP)', function () {
  this.timeout(120_000);
  let local: LocalGateway;
  let port: number;
  before(async () => {
    local = await startLocalGateway();
    port = local.gateway.port;
  });
  after(async () => {
    await local?.close();
  });
  afterEach(async () => {
    await expectHealthy(local);
  });

  describe('HTTP requests that once threw out of the handler (item 1)', () => {
    const CASES: { name: string; request: string; status: number }[] = [
      { name: 'a lone % in an @connections id', request: 'GET /dev/@connections/% HTTP/1.1', status: 400 },
      { name: 'a truncated UTF-8 escape in an id', request: 'GET /dev/@connections/%E0%A4%A HTTP/1.1', status: 400 },
      { name: 'POST to a malformed id', request: 'POST /dev/@connections/%zz HTTP/1.1', status: 400 },
      { name: 'DELETE to a malformed id', request: 'DELETE /dev/@connections/%E0%A4%A HTTP/1.1', status: 400 },
      { name: 'GET //[ (an invalid URL)', request: 'GET //[ HTTP/1.1', status: 403 },
      { name: 'GET //a:99999/x (path as is)', request: 'GET //a:99999/x HTTP/1.1', status: 403 },
      { name: 'an absolute URL with an invalid port', request: 'GET http://a:99999/dev HTTP/1.1', status: 400 },
      { name: 'the asterisk form', request: 'OPTIONS * HTTP/1.1', status: 400 },
    ];
    for (const testCase of CASES) {
      it(`${testCase.name} → ${testCase.status}`, async () => {
        const body = testCase.request.startsWith('POST') ? 'hello' : '';
        const answer = await rawExchange(port, `${testCase.request}\r\nHost: x\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        expect(answer.status).to.equal(testCase.status);
        expect(JSON.parse(answer.body)).to.have.property('message').that.is.a('string');
      });
    }

    it('a Host header with markup is escaped in the page (item 4)', async () => {
      const host = 'x" /><script>document.title="pwned"</script><meta x="$\'';
      const answer = await rawExchange(port, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.not.include('<script>');
      const meta = /<meta name="websocket-url" content="([^"]*)" \/>/.exec(answer.body);
      expect(meta?.[1]).to.equal('ws://x&#34; /&#62;&#60;script&#62;document.title=&#34;pwned&#34;&#60;/script&#62;&#60;meta x=&#34;$&#39;/dev');
    });
  });

  describe('handshakes refused before $connect runs, the socket aborted (items 1, 2, 6)', () => {
    const long = (length: number) => `/dev?pad=${'q'.repeat(length - '/dev?pad='.length)}`;
    const CASES: { name: string; target?: string; headers?: Record<string, string | undefined>; method?: string; status: number }[] = [
      { name: 'an invalid URL (//[)', target: '//[', status: 403 },
      { name: 'a path with an invalid port (//a:99999/x)', target: '//a:99999/x', status: 403 },
      { name: 'an absolute URL with an invalid port', target: 'http://a:99999/dev', status: 400 },
      { name: 'a malformed percent-escape in the query', target: '/dev?Auth=%E0%A4%A', status: 101 },
      { name: 'no Sec-WebSocket-Key', headers: { 'Sec-WebSocket-Key': undefined }, status: 400 },
      { name: 'a Sec-WebSocket-Key that is not base64', headers: { 'Sec-WebSocket-Key': 'not a key at all!!!!!==' }, status: 400 },
      { name: 'a Sec-WebSocket-Key of 15 bytes', headers: { 'Sec-WebSocket-Key': Buffer.alloc(15, 1).toString('base64') }, status: 400 },
      { name: 'a Sec-WebSocket-Key of 17 bytes', headers: { 'Sec-WebSocket-Key': Buffer.alloc(17, 1).toString('base64') }, status: 400 },
      { name: 'no Sec-WebSocket-Version', headers: { 'Sec-WebSocket-Version': undefined }, status: 400 },
      { name: 'Sec-WebSocket-Version 8', headers: { 'Sec-WebSocket-Version': '8' }, status: 400 },
      { name: 'Sec-WebSocket-Version 14', headers: { 'Sec-WebSocket-Version': '14' }, status: 400 },
      { name: 'POST', method: 'POST', status: 405 },
      { name: 'Upgrade: foo', headers: { Upgrade: 'foo' }, status: 400 },
      { name: 'a subprotocol list with a space in a name', headers: { 'Sec-WebSocket-Protocol': 'chat room' }, status: 400 },
      { name: 'a subprotocol list with an empty name', headers: { 'Sec-WebSocket-Protocol': 'chat,,x' }, status: 400 },
      { name: 'a subprotocol offered twice', headers: { 'Sec-WebSocket-Protocol': 'chat, chat' }, status: 400 },
      { name: 'a URL of 4,097 characters', target: long(4097), status: 414 },
      { name: 'a URL of exactly 4,096 characters', target: long(4096), status: 101 },
    ];
    for (const testCase of CASES) {
      it(`${testCase.name} → ${testCase.status}`, async () => {
        const request = handshakeRequest(testCase.target ?? '/dev', testCase.headers, testCase.method);
        if (testCase.status === 101) {
          const client = await rawWebSocket(port, testCase.target ?? '/dev', testCase.headers);
          expect(client.status).to.equal(101);
          expect((await tableAndOpen(local)).stored).to.have.length(1);
          client.send(frame(OPCODES.close, Buffer.from([0x03, 0xe8])));
          expect((await client.closed).code).to.equal(CLOSE_CODES.normal);
          return;
        }
        const before = local.invocations.length;
        const answer = await rawExchange(port, request);
        expect(answer.status).to.equal(testCase.status);
        expect(connectsSince(local, before), 'neither the authorizer nor $connect ran').to.deep.equal([]);
        expect(answer.closedByServer, 'the gateway ends the socket').to.equal(true);
        if (testCase.headers && 'Sec-WebSocket-Version' in testCase.headers) expect(answer.headers['sec-websocket-version']).to.equal('13');
        // $connect never ran: nothing stored at any moment afterwards.
        expect((await tableAndOpen(local)).stored).to.deep.equal([]);
      });
    }

    it('1,000 refused handshakes leave no record, and the next broadcast reaches only the open client', async () => {
      const before = local.invocations.length;
      const batch = Array.from({ length: 1000 }, (_, i) =>
        rawExchange(port, handshakeRequest('/dev', i % 2 ? { 'Sec-WebSocket-Key': undefined } : { 'Sec-WebSocket-Version': '99' })),
      );
      expect(new Set((await Promise.all(batch)).map((answer) => answer.status))).to.deep.equal(new Set([400]));
      expect(connectsSince(local, before)).to.deep.equal([]);
      const client = await connect(local.gateway.url);
      try {
        expect((await tableAndOpen(local)).stored).to.have.length(1);
        client.socket.send(bc('after the storm'));
        expect(await client.next()).to.equal('after the storm');
      } finally {
        await client.close();
      }
    });
  });

  describe('frames from a raw client (items 5, 6 and the rules that already held)', () => {
    type Expected = { close: number } | { broadcast: string } | { notice: string; limitBytes?: number };
    const CASES: { name: string; frames: () => Buffer[]; expect: Expected }[] = [
      { name: 'a single 40 KB text frame', frames: () => [frame(OPCODES.text, broadcastOfSize(40 * 1024))], expect: { close: CLOSE_CODES.messageTooBig } },
      { name: 'a 32 KB + 1 byte frame', frames: () => [frame(OPCODES.text, broadcastOfSize(FRAME_LIMIT + 1))], expect: { close: CLOSE_CODES.messageTooBig } },
      {
        name: 'a continuation frame over 32 KB',
        frames: () => [frame(OPCODES.text, '{"action":"broadcast",', { fin: false }), frame(OPCODES.continuation, `"data":"${'c'.repeat(FRAME_LIMIT)}"}`)],
        expect: { close: CLOSE_CODES.messageTooBig },
      },
      {
        name: 'a frame of exactly 32 KB',
        frames: () => [frame(OPCODES.text, broadcastOfSize(FRAME_LIMIT))],
        expect: { broadcast: 'p'.repeat(FRAME_LIMIT - bc('').length) },
      },
      {
        name: 'a 120 KB message in 30 KB fragments',
        frames: () => fragments(bc('f'.repeat(120 * 1024)), 30 * 1024),
        expect: { broadcast: 'f'.repeat(120 * 1024) },
      },
      {
        name: 'a message of exactly 128 KB in 32 KB fragments',
        frames: () => fragments(broadcastOfSize(128 * 1024)),
        expect: { broadcast: 'p'.repeat(128 * 1024 - bc('').length) },
      },
      {
        name: 'fragments of 32 KB totalling 128 KB + 1',
        frames: () => fragments(broadcastOfSize(128 * 1024 + 1)),
        expect: { close: CLOSE_CODES.messageTooBig },
      },
      {
        name: 'data that re-encodes to 528 KB (24,000 × 1e20), in fragments',
        frames: () => fragments(`{"action":"broadcast","data":[${Array(24_000).fill('1e20').join(',')}]}`),
        expect: { notice: NOTICE_CODES.payloadTooLarge, limitBytes: API_GATEWAY_LIMITS.maxPayloadBytes },
      },
      { name: 'invalid UTF-8', frames: () => [frame(OPCODES.text, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))], expect: { close: 1007 } },
      {
        name: 'invalid UTF-8 split across fragments',
        frames: () => [frame(OPCODES.text, Buffer.from([0x22, 0xe2]), { fin: false }), frame(OPCODES.continuation, Buffer.from([0x28, 0xa1]))],
        expect: { close: 1007 },
      },
      { name: 'reserved data opcode 0x3', frames: () => [frame(0x3, 'x')], expect: { close: 1002 } },
      { name: 'reserved control opcode 0xB', frames: () => [frame(0xb, 'x')], expect: { close: 1002 } },
      { name: 'RSV1 set (no extension negotiated)', frames: () => [frame(OPCODES.text, bc('x'), { rsv: 4 })], expect: { close: 1002 } },
      { name: 'RSV3 set', frames: () => [frame(OPCODES.text, bc('x'), { rsv: 1 })], expect: { close: 1002 } },
      { name: 'an unmasked frame', frames: () => [frame(OPCODES.text, bc('x'), { masked: false })], expect: { close: 1002 } },
      { name: 'a ping of 126 bytes (control frames stop at 125)', frames: () => [frame(OPCODES.ping, Buffer.alloc(126))], expect: { close: 1002 } },
      { name: 'a fragmented ping', frames: () => [frame(OPCODES.ping, 'x', { fin: false })], expect: { close: 1002 } },
      { name: 'a continuation with nothing to continue', frames: () => [frame(OPCODES.continuation, 'x')], expect: { close: 1002 } },
      {
        name: 'a new text frame inside a fragmented message',
        frames: () => [frame(OPCODES.text, 'a', { fin: false }), frame(OPCODES.text, 'b')],
        expect: { close: 1002 },
      },
      { name: 'a close frame with an invalid code (999)', frames: () => [frame(OPCODES.close, Buffer.from([0x03, 0xe7]))], expect: { close: 1002 } },
    ];
    for (const testCase of CASES) {
      it(caseTitle(testCase.name, testCase.expect), async () => {
        let observer: TestClient | undefined;
        let sender: RawWebSocket | undefined;
        try {
          observer = await connect(local.gateway.url);
          sender = await rawWebSocket(port, '/dev');
          expect(sender.status).to.equal(101);
          for (const bytes of testCase.frames()) sender.send(bytes);
          const expected = testCase.expect;
          if ('close' in expected) {
            expect((await sender.closed).code).to.equal(expected.close);
          } else if ('broadcast' in expected) {
            expect(await observer.next()).to.equal(expected.broadcast);
            expect(await sender.nextMessage()).to.equal(expected.broadcast);
          } else {
            const notice = JSON.parse(await sender.nextMessage());
            expect(notice).to.include({ error: expected.notice, limitBytes: expected.limitBytes });
            // Nothing reached the observer: the notice went to the sender only.
            observer.socket.send(bc('marker'));
            expect(await observer.next()).to.equal('marker');
            expect(await sender.nextMessage()).to.equal('marker');
          }
        } finally {
          if (sender && !sender.socket.destroyed) {
            sender.send(frame(OPCODES.close, Buffer.from([0x03, 0xe8])));
            await sender.closed;
          }
          await observer?.close();
        }
      });
    }
  });

  describe('frames sent with the handshake, before its answer (they reach the gateway in the upgrade’s head)', () => {
    it('a 40 KB frame right behind the handshake request → 1009', async () => {
      const sender = await rawWebSocket(port, '/dev', {}, frame(OPCODES.text, broadcastOfSize(40 * 1024)));
      expect(sender.status).to.equal(101);
      expect((await sender.closed).code).to.equal(CLOSE_CODES.messageTooBig);
    });

    it('a small broadcast right behind the handshake request is delivered', async () => {
      const sender = await rawWebSocket(port, '/dev', {}, frame(OPCODES.text, bc('early bird')));
      expect(sender.status).to.equal(101);
      expect(await sender.nextMessage()).to.equal('early bird');
      sender.send(frame(OPCODES.close, Buffer.from([0x03, 0xe8])));
      expect((await sender.closed).code).to.equal(CLOSE_CODES.normal);
    });
  });

  describe('TCP resets', () => {
    it('mid-handshake (half a request line, then a reset)', async () => {
      const socket = await openSocket(port);
      socket.on('error', () => {});
      const closed = new Promise((done) => socket.once('close', done));
      socket.write('GET /dev HTTP/1.1\r\nUpgrade: websock');
      socket.resetAndDestroy();
      await closed;
    });

    it('right after a complete handshake request, while $connect runs', async () => {
      const resets = Array.from({ length: 20 }, async () => {
        const socket = await openSocket(port);
        socket.on('error', () => {});
        const closed = new Promise((done) => socket.once('close', done));
        socket.write(handshakeRequest('/dev', { 'Sec-WebSocket-Key': webSocketKey() }));
        setImmediate(() => socket.resetAndDestroy());
        await closed;
      });
      await Promise.all(resets);
    });

    it('mid-broadcast: the rest still get it, and the reset ones leave no record', async () => {
      const stayers = await Promise.all(Array.from({ length: 5 }, () => connect(local.gateway.url)));
      const leavers = await Promise.all(Array.from({ length: 15 }, () => rawWebSocket(port, '/dev')));
      try {
        await eventually(async () => (await tableAndOpen(local)).stored.length === 20);
        stayers[0].socket.send(bc('through the storm'));
        for (const leaver of leavers) leaver.socket.resetAndDestroy();
        for (const stayer of stayers) expect(await stayer.next()).to.equal('through the storm');
      } finally {
        await Promise.all(stayers.map((stayer) => stayer.close()));
      }
    });
  });
});

describe('the client limits are gateway options (maxFrameBytes, maxUrlLength)', function () {
  this.timeout(60_000);
  let local: LocalGateway;
  before(async () => {
    local = await startLocalGateway({ maxFrameBytes: 1024, maxUrlLength: 100 });
  });
  after(async () => {
    await local?.close();
  });

  it('a frame over the configured 1 KB closes with 1009; one of exactly 1 KB is broadcast', async () => {
    const client = await rawWebSocket(local.gateway.port, '/dev');
    try {
      client.send(frame(OPCODES.text, broadcastOfSize(1024)));
      expect(await client.nextMessage()).to.equal('p'.repeat(1024 - bc('').length));
      client.send(frame(OPCODES.text, broadcastOfSize(1025)));
      expect((await client.closed).code).to.equal(CLOSE_CODES.messageTooBig);
    } finally {
      client.socket.destroy();
    }
    await expectHealthy(local);
  });

  it('a URL over the configured 100 characters is refused with 414 before $connect; one of 100 connects', async () => {
    const target = (length: number) => `/dev?pad=${'q'.repeat(length - '/dev?pad='.length)}`;
    const before = local.invocations.length;
    expect((await rawExchange(local.gateway.port, handshakeRequest(target(101)))).status).to.equal(414);
    expect(connectsSince(local, before)).to.deep.equal([]);
    const client = await rawWebSocket(local.gateway.port, target(100));
    expect(client.status).to.equal(101);
    client.send(frame(OPCODES.close, Buffer.from([0x03, 0xe8])));
    expect((await client.closed).code).to.equal(CLOSE_CODES.normal);
    await expectHealthy(local);
  });
});

describe("a $connect that offers no protocol (this project's)", function () {
  this.timeout(60_000);
  it('answers a client that offers one without Sec-WebSocket-Protocol, as API Gateway does', async () => {
    const local = await startLocalGateway({ page: undefined });
    try {
      const client = await rawWebSocket(local.gateway.port, '/dev', { 'Sec-WebSocket-Protocol': 'chat' });
      expect(client.status).to.equal(101);
      expect(client.headers).to.not.have.property('sec-websocket-protocol');
      client.send(frame(OPCODES.close, Buffer.from([0x03, 0xe8])));
      await client.closed;
      await expectHealthy(local);
    } finally {
      await local.close();
    }
  });
});
