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

/**
 * Follows the frame boundaries of a client's byte stream (headers only; payloads are
 * skipped), to find a data frame whose payload is larger than `maxFrameBytes`.
 */
export class FrameScanner {
  private header: number[] = [];
  private payloadLeft = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /**
   * Scans the next bytes of the stream. Returns the offset in `chunk` where a data frame
   * over the limit starts (0 when its header began in an earlier chunk), or -1.
   */
  scan(chunk: Uint8Array): number {
    let offset = 0;
    let frameStart = 0;
    while (offset < chunk.length) {
      if (this.payloadLeft > 0) {
        const skipped = Math.min(this.payloadLeft, chunk.length - offset);
        this.payloadLeft -= skipped;
        offset += skipped;
        continue;
      }
      if (this.header.length === 0) frameStart = offset;
      this.header.push(chunk[offset++]);
      const needed = headerLength(this.header);
      if (needed === undefined || this.header.length < needed) continue;
      const opcode = this.header[0] & 0x0f;
      const length = payloadLength(this.header);
      this.header = [];
      // Control frames (opcode 8 and up) are ws's to judge: over 125 bytes is a 1002.
      if (opcode < 0x08 && length > this.maxFrameBytes) return frameStart;
      this.payloadLeft = length;
    }
    return -1;
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
 * passed on, nothing from it on is, and `ws` closes the connection as for its own limits.
 * (A stream in front of ws would have to re-implement net.Socket's surface that ws uses.)
 */
export function limitFrameSize(ws: WebSocket, socket: Duplex, maxFrameBytes: number): void {
  const scanner = new FrameScanner(maxFrameBytes);
  const readers = socket.listeners('data') as ((this: Duplex, chunk: Buffer) => void)[];
  for (const reader of readers) socket.removeListener('data', reader);
  let refused = false;
  socket.on('data', function (this: Duplex, chunk: Buffer) {
    if (refused) return;
    const at = scanner.scan(chunk);
    const passed = at === -1 ? chunk : chunk.subarray(0, at);
    if (passed.length > 0) for (const reader of readers) reader.call(this, passed);
    if (at === -1) return;
    refused = true;
    ws.close(CLOSE_CODES.messageTooBig, 'Frame too big');
  });
}
