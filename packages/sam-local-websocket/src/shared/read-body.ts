import type { IncomingMessage } from 'node:http';

/** Reads a request body, stopping as soon as it passes `limit` bytes (the rest is drained). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        resolve('too large');
      } else chunks.push(chunk);
    });
    // One chunk (a post's usual body) is the body itself: no copy.
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
