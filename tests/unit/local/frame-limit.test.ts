import { expect } from 'chai';
import { FrameScanner } from '../../../local/api-gateway/frame-limit.js';
import { frame as rawFrame } from '../../helpers/raw.js';

/** A masked client frame with a payload of `length` bytes. */
const frame = (opcode: number, length: number, fin = true): Buffer => rawFrame(opcode, Buffer.alloc(length, 0x61), { fin });

describe('FrameScanner', () => {
  const LIMIT = 32 * 1024;

  it('passes frames up to the limit, in any chunking', () => {
    const stream = Buffer.concat([frame(1, 10), frame(1, LIMIT, false), frame(0, LIMIT), frame(9, 125), frame(1, 1)]);
    for (const size of [1, 3, 7, 1000, stream.length]) {
      const scanner = new FrameScanner(LIMIT);
      for (let offset = 0; offset < stream.length; offset += size) {
        expect(scanner.scan(stream.subarray(offset, offset + size)), `chunks of ${size}`).to.equal(-1);
      }
    }
  });

  it('finds a data frame over the limit where it starts, with a 16-bit or 64-bit length', () => {
    const before = Buffer.concat([frame(1, 5), frame(9, 0)]);
    for (const big of [frame(1, LIMIT + 1), frame(2, 70_000), frame(0, LIMIT + 1)]) {
      expect(new FrameScanner(LIMIT).scan(Buffer.concat([before, big]))).to.equal(before.length);
    }
  });

  it('reports 0 when the oversized frame began in an earlier chunk', () => {
    const scanner = new FrameScanner(LIMIT);
    const big = frame(1, LIMIT + 1);
    expect(scanner.scan(big.subarray(0, 1))).to.equal(-1);
    expect(scanner.scan(big.subarray(1, 10))).to.equal(0);
  });

  it('leaves an oversized control frame to ws (a protocol error there)', () => {
    expect(new FrameScanner(LIMIT).scan(frame(9, 126 + LIMIT))).to.equal(-1);
  });

  it('holds to the limit it is given (the gateway option), not a fixed 32 KB', () => {
    expect(new FrameScanner(100).scan(frame(1, 100))).to.equal(-1);
    expect(new FrameScanner(100).scan(frame(1, 101))).to.equal(0);
  });
});
