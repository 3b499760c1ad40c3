/** Clients the project did not write: raw HTTP and raw WebSocket frames over node:net. */
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';

/** What a raw HTTP exchange came to. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** True when the server ended the connection by itself after answering. */
  closedByServer: boolean;
}

/**
 * Opens a TCP connection to the gateway. With `allowHalfOpen` the client never ends its side
 * by itself when the server ends its own (Node.js otherwise answers a FIN with one at once).
 */
export function openSocket(port: number, allowHalfOpen = false): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ port, host: '127.0.0.1', allowHalfOpen }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Splits an HTTP response head into its status and (lower-case) headers. */
function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers };
}

/**
 * Sends `text` as it is and reads the answer until the server closes the connection
 * (within `ms`; otherwise the client ends it and `closedByServer` is false).
 */
export async function rawExchange(port: number, text: string | Buffer, ms = 10_000): Promise<RawAnswer> {
  const socket = await openSocket(port);
  const chunks: Buffer[] = [];
  let closedByServer = true;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise<void>((done) => socket.once('close', () => done()));
  const timer = setTimeout(() => {
    closedByServer = false;
    socket.destroy();
  }, ms);
  socket.write(text);
  await closed;
  clearTimeout(timer);
  const response = Buffer.concat(chunks).toString('latin1');
  const end = response.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: response, closedByServer };
  const head = parseHead(response.slice(0, end));
  const raw = response.slice(end + 4);
  return { ...head, body: head.headers['transfer-encoding'] === 'chunked' ? dechunk(raw) : raw, closedByServer };
}

/** The body of a chunked response. */
function dechunk(raw: string): string {
  let body = '';
  let rest = raw;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** A valid key: base64 of 16 random bytes. */
export const webSocketKey = (): string => randomBytes(16).toString('base64');

/**
 * A WebSocket handshake request; a header given as `undefined` is left out, any other
 * replaces the default.
 */
export function handshakeRequest(target: string, headers: Record<string, string | undefined> = {}, method = 'GET'): string {
  const all: Record<string, string | undefined> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': webSocketKey(),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} ${target} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** One WebSocket frame as a client sends it (masked unless told otherwise). */
export function frame(opcode: number, payload: Buffer | string, options: { fin?: boolean; rsv?: number; masked?: boolean } = {}): Buffer {
  const { fin = true, rsv = 0, masked = true } = options;
  const data = Buffer.from(payload);
  const length = data.length;
  const head = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else head.push(maskBit | 127, 0, 0, 0, 0, ...[24, 16, 8, 0].map((shift) => (length >>> shift) & 0xff));
  if (!masked) return Buffer.concat([Buffer.from(head), data]);
  const mask = randomBytes(4);
  const body = Buffer.from(data.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([Buffer.from(head), mask, body]);
}

export const OPCODES = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** A WebSocket connection over a raw socket: the frames it sends are the caller's own. */
export interface RawWebSocket {
  socket: Socket;
  /** The handshake's answer. */
  status: number;
  headers: Record<string, string>;
  /** Text messages received (fragments joined). */
  messages: string[];
  /** Waits for the next text message. */
  nextMessage(ms?: number): Promise<string>;
  /** The server's close frame's code (`undefined`: a close without status, or no close frame) once the socket closes. */
  closed: Promise<{ code: number | undefined }>;
  /** The server's close frame's code (`undefined`: without status) as soon as the frame arrives. */
  closeFrame: Promise<number | undefined>;
  /** Resolves when the server has ended the TCP connection (its FIN, or a reset). */
  ended: Promise<void>;
  /** Text messages that arrived after the server's close frame (there must be none). */
  messagesAfterClose: string[];
  send(bytes: Buffer): void;
}

/** How a raw client behaves when the server closes. */
export interface RawClientBehaviour {
  /** Answers the server's close frame with its own (default true). */
  answerClose?: boolean;
  /**
   * When it ends its side of the TCP connection: `with-answer` (default: the answer and its FIN
   * in one go), `after-server` (only once the server has ended its side: Node.js answers a FIN
   * with one at once), or `never` (a stuck client).
   */
  endTcp?: 'with-answer' | 'after-server' | 'never';
}

/**
 * Opens a raw WebSocket; resolves once the handshake's answer has arrived (whatever its
 * status). `early` bytes (frames) go out in the same write as the handshake request, before
 * any answer, so the server finds them in the upgrade's `head`.
 */
export async function rawWebSocket(
  port: number,
  target: string,
  headers: Record<string, string | undefined> = {},
  early: Buffer = Buffer.alloc(0),
  behaviour: RawClientBehaviour = {},
): Promise<RawWebSocket> {
  const { answerClose = true, endTcp = 'with-answer' } = behaviour;
  const socket = await openSocket(port, endTcp === 'never');
  socket.on('error', () => {});
  let buffer = Buffer.alloc(0);
  let head: { status: number; headers: Record<string, string> } | undefined;
  let closeCode: number | undefined;
  let closeFrameSeen = false;
  let fragments: Buffer[] = [];
  const messages: string[] = [];
  const messagesAfterClose: string[] = [];
  const waiters: ((message: string) => void)[] = [];
  const closed = new Promise<{ code: number | undefined }>((done) => socket.once('close', () => done({ code: closeCode })));
  let gotCloseFrame: (code: number | undefined) => void = () => {};
  const closeFrame = new Promise<number | undefined>((done) => (gotCloseFrame = done));
  const ended = new Promise<void>((done) => {
    socket.once('end', () => done());
    socket.once('close', () => done());
  });

  const readFrames = (): void => {
    while (buffer.length >= 2) {
      const length7 = buffer[1] & 0x7f;
      const offset = length7 === 126 ? 4 : length7 === 127 ? 10 : 2;
      if (buffer.length < offset) return;
      const length = length7 === 126 ? buffer.readUInt16BE(2) : length7 === 127 ? Number(buffer.readBigUInt64BE(2)) : length7;
      if (buffer.length < offset + length) return;
      const [fin, opcode, payload] = [buffer[0] & 0x80, buffer[0] & 0x0f, buffer.subarray(offset, offset + length)];
      buffer = buffer.subarray(offset + length);
      if (opcode === OPCODES.close) {
        closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
        closeFrameSeen = true;
        gotCloseFrame(closeCode);
        // Answer the close as a client does, then end the TCP connection (unless told otherwise).
        const answer = frame(OPCODES.close, payload.subarray(0, 2));
        if (answerClose && endTcp === 'with-answer') socket.end(answer);
        else if (answerClose) socket.write(answer);
      } else if (closeFrameSeen && opcode === OPCODES.text) {
        messagesAfterClose.push(payload.toString('utf8'));
      } else if (opcode === OPCODES.text || opcode === OPCODES.continuation) {
        fragments.push(payload);
        if (fin) {
          const message = Buffer.concat(fragments).toString('utf8');
          fragments = [];
          const waiter = waiters.shift();
          if (waiter) waiter(message);
          else messages.push(message);
        }
      }
    }
  };

  const answered = new Promise<void>((done) => {
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!head) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = parseHead(buffer.subarray(0, end).toString('latin1'));
        buffer = buffer.subarray(end + 4);
        done();
      }
      readFrames();
    });
    socket.once('close', () => done());
  });
  socket.write(Buffer.concat([Buffer.from(handshakeRequest(target, headers)), early]));
  await answered;
  return {
    socket,
    status: head?.status ?? 0,
    headers: head?.headers ?? {},
    messages,
    closed,
    closeFrame,
    ended,
    messagesAfterClose,
    send: (bytes) => socket.write(bytes),
    nextMessage: (ms = 5000) => {
      const message = messages.shift();
      if (message !== undefined) return Promise.resolve(message);
      return new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no message within ${ms} ms`)), ms);
        waiters.push((value) => {
          clearTimeout(timer);
          done(value);
        });
      });
    },
  };
}
