/**
 * Every close the gateway starts ends the TCP connection (RFC 6455 §7.1.1: the server closes
 * it first): when the client answers the close frame, or `closeTimeoutMs` (1 s) after the close
 * began if it never does; `$disconnect` runs and the record goes then. Raw clients that never
 * answer a close (and never end TCP by themselves), and ones that answer and end TCP only
 * after the server has ended its side.
 */
import { DeleteConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { expect } from 'chai';
import { API_GATEWAY_LIMITS, CLOSE_CODES } from '../../src/api-gateway/constants.js';
import { eventually, frame, OPCODES, type RawClientBehaviour, rawWebSocket, type RawWebSocket } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

/** Far past the 1 s a close may take, and far below ws's own 30 s: a bound, not a measurement. */
const GENEROUS_MS = 5000;
/** A closeTimeoutMs a user may choose: the table of triggers runs with it, to keep the suite short. */
const SHORT_CLOSE_TIMEOUT_MS = 200;
const STUCK: RawClientBehaviour = { answerClose: false, endTcp: 'never' };
/** Answers the close frame, and ends TCP only after the server has ended its side. */
const ANSWERS: RawClientBehaviour = { answerClose: true, endTcp: 'after-server' };

/** Text fragments of at most 32 KB. */
const fragments = (bytes: number): Buffer[] => {
  const text = Buffer.alloc(bytes, 0x61);
  const size = API_GATEWAY_LIMITS.maxFrameBytes;
  const out: Buffer[] = [];
  for (let offset = 0; offset < bytes; offset += size) {
    out.push(frame(offset === 0 ? OPCODES.text : OPCODES.continuation, text.subarray(offset, offset + size), { fin: offset + size >= bytes }));
  }
  return out;
};

/** A raw client of the gateway, with its connection id. */
async function open(local: LocalGateway, behaviour: RawClientBehaviour): Promise<{ client: RawWebSocket; id: string }> {
  const client = await rawWebSocket(local.gateway.port, `/${local.gateway.stage}`, {}, Buffer.alloc(0), behaviour);
  expect(client.status).to.equal(101);
  const port = client.socket.localPort;
  const connection = [...local.gateway.registry.all()].find(
    (candidate) => (candidate.socket as unknown as { _socket: { remotePort: number } })._socket.remotePort === port,
  );
  return { client, id: connection!.connectionId };
}

/** `$disconnect` ran for `id` and its record is gone. */
async function disconnected(local: LocalGateway, id: string): Promise<void> {
  await eventually(() => local.invocations.some((outcome) => outcome.route === '$disconnect' && outcome.connectionId === id), GENEROUS_MS);
  const outcome = local.invocations.find((candidate) => candidate.route === '$disconnect' && candidate.connectionId === id)!;
  expect(outcome.status).to.equal(200);
  expect(await local.stored(id)).to.equal(false);
  expect(local.gateway.registry.get(id)).to.equal(undefined);
}

/** The closes a client can cause, and the code of each. */
const TRIGGERS: { what: string; code: number; start: (local: LocalGateway, client: RawWebSocket, id: string) => unknown }[] = [
  {
    what: 'a single frame over 32 KB',
    code: CLOSE_CODES.messageTooBig,
    start: (_local, client) => client.send(frame(OPCODES.text, Buffer.alloc(40 * 1024, 0x61))),
  },
  {
    what: 'a message over 128 KB in 32 KB fragments',
    code: CLOSE_CODES.messageTooBig,
    start: (_local, client) => client.send(Buffer.concat(fragments(128 * 1024 + 1))),
  },
  { what: 'a binary frame', code: CLOSE_CODES.unsupportedData, start: (_local, client) => client.send(frame(OPCODES.binary, 'x')) },
  { what: 'invalid UTF-8', code: 1007, start: (_local, client) => client.send(frame(OPCODES.text, Buffer.from([0x7b, 0xff, 0xfe]))) },
  { what: 'an unmasked frame (a protocol error)', code: 1002, start: (_local, client) => client.send(frame(OPCODES.text, 'x', { masked: false })) },
  {
    what: 'DELETE @connections',
    code: CLOSE_CODES.normal,
    start: (local, _client, id) => local.management.send(new DeleteConnectionCommand({ ConnectionId: id })),
  },
];

type Trigger = (typeof TRIGGERS)[number];

/**
 * Opens a raw client with `behaviour`, starts a close (`trigger`; none: the gateway starts one
 * by itself) and checks the close frame's code, that the TCP connection ends, that
 * `$disconnect` runs and the record goes, all within the generous bound, and that nothing
 * reached the client after the close frame.
 */
async function closesInTime(local: LocalGateway, behaviour: RawClientBehaviour, trigger: Pick<Trigger, 'code'> & Partial<Trigger>): Promise<void> {
  const { client, id } = await open(local, behaviour);
  try {
    await trigger.start?.(local, client, id);
    expect(await client.closeFrame).to.equal(trigger.code);
    const closing = Date.now();
    await client.ended;
    await disconnected(local, id);
    expect(Date.now() - closing).to.be.below(GENEROUS_MS);
    expect(client.messagesAfterClose).to.deep.equal([]);
  } finally {
    client.socket.destroy();
  }
}

describe('closes the gateway starts end the TCP connection', function () {
  this.timeout(60_000);

  describe('with the default closeTimeoutMs (1 s), for a client that never answers and never ends TCP itself', () => {
    let local: LocalGateway;
    before(async () => {
      local = await startLocalGateway();
    });
    after(async () => {
      await local.close();
    });

    it(`${TRIGGERS[0].what}: close ${TRIGGERS[0].code}, then the TCP connection ends, $disconnect runs and the record goes`, () =>
      closesInTime(local, STUCK, TRIGGERS[0]));

    it('from the moment its close began, the connection gets nothing more: @connections answers 410 while it closes', async () => {
      const { client, id } = await open(local, STUCK);
      try {
        client.send(frame(OPCODES.binary, 'x'));
        expect(await client.closeFrame).to.equal(CLOSE_CODES.unsupportedData);
        const error = await local.management
          .send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('too late') }))
          .catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(GoneException);
        // Answered while the connection was still closing (the gateway still knew it): not because it was gone already.
        expect(local.gateway.registry.get(id)).to.not.equal(undefined);
        await disconnected(local, id);
        expect(client.messagesAfterClose).to.deep.equal([]);
      } finally {
        client.socket.destroy();
      }
    });
  });

  describe(`with closeTimeoutMs ${SHORT_CLOSE_TIMEOUT_MS} ms, for a client that never answers and never ends TCP itself`, () => {
    let local: LocalGateway;
    before(async () => {
      local = await startLocalGateway({ closeTimeoutMs: SHORT_CLOSE_TIMEOUT_MS });
    });
    after(async () => {
      await local.close();
    });

    for (const trigger of TRIGGERS) {
      it(`${trigger.what}: close ${trigger.code}, then the TCP connection ends, $disconnect runs and the record goes`, () =>
        closesInTime(local, STUCK, trigger));
    }
  });

  describe('when the client answers the close frame and waits for the server to end TCP (closeTimeoutMs 60 s, so only the answer can end it)', () => {
    let local: LocalGateway;
    before(async () => {
      local = await startLocalGateway({ closeTimeoutMs: 60_000 });
    });
    after(async () => {
      await local.close();
    });

    for (const trigger of TRIGGERS) {
      it(`${trigger.what}: the gateway ends the TCP connection first, on the answer, and $disconnect runs`, () => closesInTime(local, ANSWERS, trigger));
    }
  });

  for (const [what, limit] of [
    ['idleness', { idleTimeoutMs: 300 }],
    ['the maximum duration', { maxDurationMs: 300 }],
  ] as const) {
    it(`${what} (1001): a client that never answers is cut, $disconnect runs and the record goes`, async () => {
      const local = await startLocalGateway({ ...limit, closeTimeoutMs: SHORT_CLOSE_TIMEOUT_MS });
      try {
        await closesInTime(local, STUCK, { code: CLOSE_CODES.goingAway });
      } finally {
        await local.close();
      }
    });
  }

  it('stopping (1001): a client that never answers is cut, and its $disconnect runs before the store closes', async () => {
    const local = await startLocalGateway();
    const { client, id } = await open(local, STUCK);
    try {
      const started = Date.now();
      await local.close();
      expect(await client.closeFrame).to.equal(CLOSE_CODES.goingAway);
      await client.ended;
      expect(Date.now() - started).to.be.below(GENEROUS_MS);
      const outcome = local.invocations.find((candidate) => candidate.route === '$disconnect' && candidate.connectionId === id);
      expect(outcome?.status).to.equal(200);
    } finally {
      client.socket.destroy();
    }
  });
});
