import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { CLOSE_CODES } from './constants.js';

/** The length of a frame header whose first bytes are `header`; `undefined` until two bytes are known. */
function headerLength(header: number[]): number | undefined {
  if (header.length < 2) return undefined;
  const length7 = header[1] & 0x7f;
  const extended = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
  return 2 + extended + (header[1] & 0x80 ? 4 : 0);
}

/** The payload length a complete frame header announces. */
function payloadLength(header: number[]): number {
  const length7 = header[1] & 0x7f;
  if (length7 < 126) return length7;
  const bytes = header.slice(2, length7 === 126 ? 4 : 10);
  return bytes.reduce((total, byte) => total * 256 + byte, 0);
}

const CLOSE_OPCODE = 0x08;

/** What to do with one chunk of a client's byte stream. */
export interface ScanResult {
  /** The bytes to hand to `ws`, in order. */
  pass: Buffer[];
  /**
   * Set on the chunk in which a data frame over the limit was found: how many of `pass` come
   * before it (the connection is to be closed with 1009 between those and the rest).
   */
  refusedAfter?: number;
}

/** Collects the pieces of a chunk to pass on: adjacent ranges of the chunk as one subarray. */
class Pieces {
  readonly list: Buffer[] = [];
  private start = 0;
  private end = 0;

  constructor(private readonly chunk: Buffer) {}

  range(start: number, end: number): void {
    if (start === end) return;
    if (start !== this.end || this.start === this.end) {
      this.flush();
      this.start = start;
    }
    this.end = end;
  }

  bytes(buffer: Buffer): void {
    this.flush();
    this.list.push(buffer);
  }

  done(): Buffer[] {
    this.flush();
    return this.list;
  }

  private flush(): void {
    if (this.end > this.start) this.list.push(this.chunk.subarray(this.start, this.end));
    this.start = this.end;
  }
}

/**
 * Follows the frame boundaries of a client's byte stream (headers only; payloads are
 * skipped) to find a data frame whose payload is larger than `maxFrameBytes`. Until then every
 * frame is passed on, but only ever with its whole header: a header split across chunks is held
 * back until it is complete, so `ws` never holds a part of the oversized frame. From the
 * oversized frame on, everything is dropped except the client's close frame (its answer to
 * the gateway's 1009), which is passed on whole, once, so `ws` ends the TCP connection then.
 */
export class FrameScanner {
  /** The bytes of a frame header not yet complete. */
  private header: number[] = [];
  private payloadLeft = 0;
  /** What happens to the current frame's payload. */
  private payload: 'pass' | 'skip' | 'close' = 'pass';
  private refused = false;
  /** After the refusal: the client's close frame being collected, and whether it was passed on. */
  private closeFrame: Buffer[] = [];
  private answered = false;

  constructor(private readonly maxFrameBytes: number) {}

  /** Scans the next bytes of the stream: what to pass on, and where a refusal happened. */
  scan(chunk: Buffer): ScanResult {
    const pieces = new Pieces(chunk);
    let refusedAfter: number | undefined;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.payloadLeft > 0) {
        const end = Math.min(chunk.length, offset + this.payloadLeft);
        this.payloadLeft -= end - offset;
        if (this.payload === 'pass') pieces.range(offset, end);
        else if (this.payload === 'close') this.collect(pieces, chunk.subarray(offset, end));
        offset = end;
        continue;
      }
      const headerStart = offset;
      const held = this.header.length;
      let needed = headerLength(this.header);
      while (offset < chunk.length && (needed === undefined || this.header.length < needed)) {
        this.header.push(chunk[offset++]);
        needed = headerLength(this.header);
      }
      if (needed === undefined || this.header.length < needed) break; // held back until the rest arrives
      const opcode = this.header[0] & 0x0f;
      const length = payloadLength(this.header);
      // Control frames (opcode 8 and up) are ws's to judge: over 125 bytes is a 1002.
      if (!this.refused && opcode < CLOSE_OPCODE && length > this.maxFrameBytes) {
        this.refused = true;
        refusedAfter = pieces.done().length;
      }
      if (!this.refused) {
        if (held > 0) pieces.bytes(Buffer.from(this.header.slice(0, held)));
        pieces.range(headerStart, offset);
        this.payload = 'pass';
      } else if (opcode === CLOSE_OPCODE && !this.answered) {
        this.payload = 'close';
        this.closeFrame = [Buffer.from(this.header)];
      } else {
        this.payload = 'skip';
      }
      this.header = [];
      this.payloadLeft = length;
      if (length === 0 && this.payload === 'close') this.collect(pieces, Buffer.alloc(0));
    }
    return { pass: pieces.done(), refusedAfter };
  }

  private collect(pieces: Pieces, bytes: Buffer): void {
    this.closeFrame.push(Buffer.from(bytes));
    if (this.payloadLeft > 0) return;
    pieces.bytes(Buffer.concat(this.closeFrame));
    this.closeFrame = [];
    this.answered = true;
  }
}

/**
 * Closes a connection with 1009 when the client sends a data frame over `maxFrameBytes`,
 * as API Gateway does for a frame over 32 KB, while messages up to `ws`'s `maxPayload` may
 * still arrive in smaller fragments.
 *
 * `ws` has no per-frame limit and no hook in front of its frame parser, so the scan sits
 * between the socket and `ws`: `handleUpgrade` has attached ws's reader as the socket's
 * `data` listener by the time its callback runs, and here that listener is moved behind
 * the scanner (plain EventEmitter calls; the socket itself stays ws's, so its address,
 * backpressure and close handling are untouched). The frames before an oversized one are
 * passed on, then `ws` closes the connection as for its own limits, and of the rest only the
 * client's close frame reaches it: when the client answers, `ws` ends the TCP connection; when
 * it does not, ws's `closeTimeout` does. (A stream in front of ws would have to re-implement
 * net.Socket's surface that ws uses.)
 */
export function limitFrameSize(ws: WebSocket, socket: Duplex, maxFrameBytes: number): void {
  const scanner = new FrameScanner(maxFrameBytes);
  const readers = socket.listeners('data') as ((this: Duplex, chunk: Buffer) => void)[];
  for (const reader of readers) socket.removeListener('data', reader);
  socket.on('data', function (this: Duplex, chunk: Buffer) {
    const { pass, refusedAfter } = scanner.scan(chunk);
    pass.forEach((piece, index) => {
      if (index === refusedAfter) ws.close(CLOSE_CODES.messageTooBig, 'Frame too big');
      for (const reader of readers) reader.call(this, piece);
    });
    if (refusedAfter === pass.length) ws.close(CLOSE_CODES.messageTooBig, 'Frame too big');
  });
}
