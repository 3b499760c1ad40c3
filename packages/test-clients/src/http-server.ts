import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A node:http server of a test's own on a free loopback port. */
export interface TestServer {
  server: Server;
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Stops listening and ends every connection, kept-alive ones too. */
  close(): Promise<void>;
}

/** Listens with `handler` on a free port of 127.0.0.1. */
export async function serveOnFreePort(handler: RequestListener): Promise<TestServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A loopback port nothing listens on: one a server had, given back. */
export async function freedPort(): Promise<number> {
  const released = await serveOnFreePort(() => {});
  await released.close();
  return released.port;
}
