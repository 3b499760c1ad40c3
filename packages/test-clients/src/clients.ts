import WebSocket from 'ws';

/** A test client over a real socket: frames are queued so none is missed. */
export interface TestClient {
  socket: WebSocket;
  /** The next frame (waits up to `ms`). */
  next(ms?: number): Promise<string>;
  /** Frames received and not yet taken. */
  pending(): string[];
  /** Resolves with the close code and reason once the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** Opens a client; rejects with `status N` when the handshake is refused. */
export function connect(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const frames: string[] = [];
    const waiters: ((frame: string) => void)[] = [];
    socket.on('message', (data) => {
      const frame = data.toString();
      const waiter = waiters.shift();
      if (waiter) waiter(frame);
      else frames.push(frame);
    });
    const closed = new Promise<{ code: number; reason: string }>((done) => socket.once('close', (code, reason) => done({ code, reason: reason.toString() })));
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      reject(Object.assign(new Error(`status ${response.statusCode}`), { status: response.statusCode }));
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
    socket.once('open', () =>
      resolve({
        socket,
        closed,
        pending: () => [...frames],
        next: (ms = 5000) => {
          const frame = frames.shift();
          if (frame !== undefined) return Promise.resolve(frame);
          return new Promise((done, fail) => {
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(waiter), 1);
              fail(new Error(`no frame within ${ms} ms`));
            }, ms);
            const waiter = (value: string) => {
              clearTimeout(timer);
              done(value);
            };
            waiters.push(waiter);
          });
        },
        close: async () => {
          if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close();
          await closed;
        },
      }),
    );
  });
}

/** The HTTP status a refused handshake got. */
export async function refusedStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const client = await connect(url, headers);
    await client.close();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status) return status;
    throw error;
  }
  throw new Error(`${url} accepted the connection`);
}

/** Polls `check` until it is true (at most `ms`). */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** API Gateway's largest frame (its quota: 32 KB). */
const MAX_FRAME_BYTES = 32 * 1024;

/** Sends a text message in fragments of at most `size` bytes (API Gateway's frame quota: 32 KB). */
export function sendFragmented(socket: WebSocket, text: string | Buffer, size: number = MAX_FRAME_BYTES): void {
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length || offset === 0; offset += size) {
    socket.send(bytes.subarray(offset, offset + size), { binary: false, fin: offset + size >= bytes.length });
  }
}
