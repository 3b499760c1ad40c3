/**
 * The twin's own adversarial round (issue 32 item 11): every class of hostile input from the
 * issue, with variants (other prototype names, other Unicode spaces, other nesting shapes, other
 * malformed names and headers), against one running gateway serving the app. Each case counts;
 * at the end the suite asserts, and prints as one JSON line, the cases tried, the crashes (an
 * uncaught error, or the gateway no longer answering: 0), the orphaned records (a stored
 * connection no open connection stands for: 0) and the accepted-then-lost (a 200 or 202 whose
 * work never happened: 0). Traffic goes to loopback only, bounded in count and time.
 */
import { DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { expect } from 'chai';
import { connect, eventually, handshakeRequest, openSocket, rawExchange, rawWebSocket } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'prototype',
];
/** Spaces `trim()` removes and a WebSocket token must not hold: one latin1 byte, or UTF-8. */
const UNICODE_SPACES = ['\u00a0', '\u0085', '\u1680', '\u2000', '\u2007', '\u200a', '\u2028', '\u202f', '\u205f', '\u3000', '\ufeff'];
/** Deep payloads: arrays, objects, and both mixed, at depths a structured clone cannot copy. */
const deepPayloads = (): [string, string][] => {
  const out: [string, string][] = [];
  for (const depth of [1_000, 5_000, 10_000, 50_000]) {
    out.push([`${depth} nested arrays`, `${'['.repeat(depth)}1${']'.repeat(depth)}`]);
    out.push([`${depth} nested objects`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`]);
    out.push([`${depth} alternating`, `${'[{"a":'.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}`]);
  }
  return out;
};

describe('hostile input, every class at once (issue 32 item 11)', function () {
  this.timeout(240_000);
  const counts = { casesTried: 0, crashes: 0, orphanedRecords: 0, acceptedThenLost: 0 };
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => void uncaught.push(error);
  let local: LocalGateway;
  let origin: string;

  before(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    local = await startLocalGateway({ watch: false, iam: 'off', closeTimeoutMs: 5_000, bodyTimeoutMs: 1_000 });
    origin = `http://127.0.0.1:${local.gateway.port}`;
  });
  after(async () => {
    await local?.close();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    console.log(JSON.stringify({ event: 'hostile-input', ...counts }));
  });

  /** The gateway still answers HTTP and WebSocket; a case that leaves it dead is a crash. */
  async function stillAnswers(): Promise<void> {
    try {
      const answer = await rawExchange(local.gateway.port, `GET /${local.gateway.stage} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 5000);
      const probe = await connect(local.gateway.url);
      await probe.close();
      if (answer.status !== 426) counts.crashes++;
    } catch {
      counts.crashes++;
    }
  }

  const invoke = (name: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${origin}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body, headers });

  it('deep structures through the Invoke API (sync twice, then async): answered, never thrown', async () => {
    for (const [, payload] of deepPayloads()) {
      for (const type of ['RequestResponse', 'RequestResponse', 'Event']) {
        counts.casesTried++;
        const answer = await invoke('DefaultFunction', payload, { 'X-Amz-Invocation-Type': type });
        expect(answer.status, type).to.equal(type === 'Event' ? 202 : 200);
        await answer.arrayBuffer();
      }
    }
    await stillAnswers();
  });

  it('malformed names and headers on the Invoke API: 4xx with Lambda’s error types, never 5xx', async () => {
    const names = [
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e',
      'a'.repeat(171),
      `x:${'q'.repeat(3000)}`,
      'arn%3Aaws%3Alambda%3Aeu-west-1%3A000000000000%3Afunction%3ADefaultFunction',
      '%00',
      'caf%C3%A9',
      '%E0%A4%A',
    ];
    const headers: Record<string, string>[] = [
      { 'X-Amz-Client-Context': 'not base64' },
      { 'X-Amz-Client-Context': Buffer.from('"string"').toString('base64') },
      { 'X-Amz-Client-Context': 'e'.repeat(4000) },
      { 'X-Amz-Log-Type': 'All' },
      { 'X-Amz-Invocation-Type': 'Later' },
    ];
    for (const name of names) {
      counts.casesTried++;
      const answer = await invoke(name, '{}');
      expect(answer.status, name).to.be.within(400, 499);
      expect((await answer.text()).length, name).to.be.below(2000);
    }
    for (const header of headers) {
      counts.casesTried++;
      const answer = await invoke('DefaultFunction', '{}', header);
      expect(answer.status, JSON.stringify(header)).to.equal(400);
      await answer.arrayBuffer();
    }
    await stillAnswers();
  });

  it('names that are not names in the handshake: every handshake answered, every record with its connection', async () => {
    for (const name of PROTOTYPE_NAMES) {
      for (const where of ['query', 'header', 'both']) {
        counts.casesTried++;
        const query = where === 'header' ? '' : `?${encodeURIComponent(name)}=1&${encodeURIComponent(name)}=2`;
        const headers = where === 'query' || name === '__proto__' || name === 'prototype' ? {} : { [name]: 'x' };
        const answer = await rawExchange(
          local.gateway.port,
          handshakeRequest(`/${local.gateway.stage}${query}`, where === 'query' ? {} : { ...headers, [`X-${name}`]: 'y' }),
          // The 101 comes once $connect answered; then the client drops (no close frame), so $disconnect must clean up.
          400,
        );
        expect(answer.status, `${where} ${name}`).to.equal(101);
      }
    }
    await stillAnswers();
  });

  it('Unicode spaces in the subprotocol list: refused with 400 before $connect, no record', async () => {
    for (const space of UNICODE_SPACES) {
      for (const list of [`chat${space}`, `${space}chat`, `chat,${space}v2`, `ch${space}at`]) {
        counts.casesTried++;
        const from = local.invocations.length;
        const bytes =
          space <= '\u00ff'
            ? Buffer.from(handshakeRequest(`/${local.gateway.stage}`, { 'Sec-WebSocket-Protocol': list }), 'latin1')
            : Buffer.from(handshakeRequest(`/${local.gateway.stage}`, { 'Sec-WebSocket-Protocol': list }), 'utf8');
        const answer = await rawExchange(local.gateway.port, bytes, 5000);
        expect(answer.status, JSON.stringify(list)).to.equal(400);
        expect(
          local.invocations.slice(from).filter((outcome) => outcome.route === '$connect'),
          JSON.stringify(list),
        ).to.deep.equal([]);
      }
    }
    await stillAnswers();
  });

  it('a connection that never reads: posts are answered 200 up to the bound, then 429; every 200 is delivered once it reads', async () => {
    const raw = await rawWebSocket(local.gateway.port, `/${local.gateway.stage}`);
    const id = [...local.gateway.registry.all()].sort((a, b) => a.connectedAt - b.connectedAt).at(-1)!.connectionId;
    raw.socket.pause();
    let delivered200 = 0;
    let limited = 0;
    for (let i = 0; i < 300 && limited < 5; i++) {
      counts.casesTried++;
      const result = await local.management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(128 * 1024, 'y') })).then(
        () => 'ok',
        (error: Error) => error.name,
      );
      if (result === 'ok') delivered200++;
      else if (result === 'LimitExceededException') limited++;
      else throw new Error(`unexpected ${result}`);
    }
    expect(limited).to.be.greaterThan(0);
    raw.socket.resume();
    await eventually(() => raw.messages.length >= delivered200, 30_000).catch(() => {});
    counts.acceptedThenLost += Math.max(0, delivered200 - raw.messages.length);
    raw.socket.destroy();
    await stillAnswers();
  });

  it('a connection the twin is closing is gone at once: no post answered 200 for it', async () => {
    for (let i = 0; i < 10; i++) {
      const raw = await rawWebSocket(local.gateway.port, `/${local.gateway.stage}`, {}, Buffer.alloc(0), { answerClose: false, endTcp: 'never' });
      const id = [...local.gateway.registry.all()].sort((a, b) => a.connectedAt - b.connectedAt).at(-1)!.connectionId;
      await local.management.send(new DeleteConnectionCommand({ ConnectionId: id }));
      counts.casesTried++;
      const result = await local.management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('after the close') })).then(
        () => 'ok',
        (error: Error) => error.name,
      );
      if (result === 'ok') counts.acceptedThenLost++;
      expect(result).to.equal('GoneException');
      raw.socket.destroy();
    }
  });

  it('a flood of 1 MB asynchronous invocations: refused with 429 past the bound, and every 202 runs or reaches its destination', async () => {
    const before = { invokes: local.invokes.length, failures: local.asyncFailures.length };
    const payload = JSON.stringify({ pad: 'f'.repeat(1024 * 1024 - 20) });
    const answers = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const answer = await invoke('DefaultFunction', payload, { 'X-Amz-Invocation-Type': 'Event' });
        await answer.arrayBuffer();
        return answer.status;
      }),
    );
    counts.casesTried += answers.length;
    expect(answers.every((status) => status === 202 || status === 429)).to.equal(true);
    const accepted = answers.filter((status) => status === 202).length;
    expect(accepted).to.be.greaterThan(0);
    // Done: ran and answered, or failed every attempt and went to the destination record.
    const done = () => local.invokes.slice(before.invokes).filter((invoke) => invoke.ok).length + local.asyncFailures.slice(before.failures).length;
    await eventually(() => done() >= accepted, 120_000).catch(() => {});
    counts.acceptedThenLost += Math.max(0, accepted - done());
    await stillAnswers();
  });

  it('bodies that trickle in are cut with 408', async () => {
    for (const path of ['/2015-03-31/functions/DefaultFunction/invocations', `/${local.gateway.stage}/@connections/AAAAAAAAAAAAAAA%3D`]) {
      counts.casesTried++;
      const socket = await openSocket(local.gateway.port);
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', () => {});
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nx`);
      const timer = setTimeout(() => socket.destroy(), 10_000);
      await closed;
      clearTimeout(timer);
      expect(Buffer.concat(chunks).toString('latin1')).to.match(/^HTTP\/1\.1 (408|403) /);
    }
    await stillAnswers();
  });

  it('ends with no crash, no orphaned record and nothing accepted then lost', async () => {
    await eventually(async () => {
      const open = [...local.gateway.registry.all()].map((connection) => connection.connectionId).sort();
      return JSON.stringify(await local.storedIds()) === JSON.stringify(open);
    }, 15_000).catch(() => {});
    const open = new Set([...local.gateway.registry.all()].map((connection) => connection.connectionId));
    counts.orphanedRecords = (await local.storedIds()).filter((id) => !open.has(id)).length;
    counts.crashes += uncaught.length;
    expect(counts.casesTried).to.be.greaterThan(250);
    expect({ crashes: counts.crashes, orphanedRecords: counts.orphanedRecords, acceptedThenLost: counts.acceptedThenLost }).to.deep.equal({
      crashes: 0,
      orphanedRecords: 0,
      acceptedThenLost: 0,
    });
  });
});
