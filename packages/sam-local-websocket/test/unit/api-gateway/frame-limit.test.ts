import { expect } from 'chai';
import { FrameScanner } from '../../../src/api-gateway/frame-limit.js';
import { frame as rawFrame, OPCODES } from 'websocket-test-clients';

/** A masked client frame with a payload of `length` bytes. */
const frame = (opcode: number, length: number, fin = true): Buffer => rawFrame(opcode, Buffer.alloc(length, 0x61), { fin });
const closeFrame = (code = 1009) => rawFrame(OPCODES.close, Buffer.from([code >> 8, code & 0xff]));

/** Feeds `stream` in chunks of `size`: everything passed on, and where the refusal was (an offset into what was passed). */
function feed(scanner: FrameScanner, stream: Buffer, size: number): { passed: Buffer; refusedAt?: number } {
  const passed: Buffer[] = [];
  let refusedAt: number | undefined;
  for (let offset = 0; offset < stream.length; offset += size) {
    const { pass, refusedAfter } = scanner.scan(stream.subarray(offset, offset + size));
    if (refusedAfter !== undefined) refusedAt = Buffer.concat([...passed, ...pass.slice(0, refusedAfter)]).length;
    passed.push(...pass);
  }
  return { passed: Buffer.concat(passed), refusedAt };
}

const CHUNKINGS = [1, 2, 3, 7, 1000, 100_000];

describe('FrameScanner', () => {
  const LIMIT = 32 * 1024;

  it('passes frames up to the limit as they came, in any chunking', () => {
    const stream = Buffer.concat([frame(1, 10), frame(1, LIMIT, false), frame(0, LIMIT), frame(9, 125), frame(1, 1)]);
    for (const size of CHUNKINGS) {
      const { passed, refusedAt } = feed(new FrameScanner(LIMIT), stream, size);
      expect(refusedAt, `chunks of ${size}`).to.equal(undefined);
      expect(passed.equals(stream), `chunks of ${size}`).to.equal(true);
    }
  });

  it('passes a whole chunk of whole frames as the chunk itself (no copy)', () => {
    const stream = Buffer.concat([frame(1, 10), frame(1, 300)]);
    const { pass } = new FrameScanner(LIMIT).scan(stream);
    expect(pass).to.have.length(1);
    expect(pass[0].buffer).to.equal(stream.buffer);
  });

  it('refuses a data frame over the limit where it starts, with a 16-bit or 64-bit length', () => {
    const before = Buffer.concat([frame(1, 5), frame(9, 0)]);
    for (const big of [frame(1, LIMIT + 1), frame(2, 70_000), frame(0, LIMIT + 1)]) {
      for (const size of CHUNKINGS) {
        const { passed, refusedAt } = feed(new FrameScanner(LIMIT), Buffer.concat([before, big]), size);
        expect(refusedAt, `chunks of ${size}`).to.equal(before.length);
        // Not a byte of the oversized frame reaches ws, not even the start of a header split across chunks.
        expect(passed.equals(before), `chunks of ${size}`).to.equal(true);
      }
    }
  });

  it('after the refusal passes on only the client’s close frame, whole and once, in any chunking', () => {
    const before = frame(1, 5);
    const answer = closeFrame(1009);
    const after = Buffer.concat([frame(1, LIMIT + 1), frame(1, 20), frame(9, 4), answer, frame(1, 3), closeFrame(1000)]);
    for (const size of CHUNKINGS) {
      const { passed, refusedAt } = feed(new FrameScanner(LIMIT), Buffer.concat([before, after]), size);
      expect(refusedAt, `chunks of ${size}`).to.equal(before.length);
      // The client's own bytes of its first close frame (mask included), and nothing else.
      expect(passed.subarray(before.length).equals(answer), `chunks of ${size}`).to.equal(true);
    }
  });

  it('passes on a close frame without a status code after the refusal', () => {
    const empty = rawFrame(OPCODES.close, Buffer.alloc(0));
    const { passed } = feed(new FrameScanner(LIMIT), Buffer.concat([frame(1, LIMIT + 1), empty]), 5);
    expect(passed.equals(empty)).to.equal(true);
  });

  it('leaves an oversized control frame to ws (a protocol error there)', () => {
    const big = frame(9, 126 + LIMIT);
    const { pass, refusedAfter } = new FrameScanner(LIMIT).scan(big);
    expect(refusedAfter).to.equal(undefined);
    expect(Buffer.concat(pass).equals(big)).to.equal(true);
  });

  it('holds to the limit it is given (the gateway option), not a fixed 32 KB', () => {
    expect(new FrameScanner(100).scan(frame(1, 100)).refusedAfter).to.equal(undefined);
    expect(new FrameScanner(100).scan(frame(1, 101)).refusedAfter).to.equal(0);
  });
});
