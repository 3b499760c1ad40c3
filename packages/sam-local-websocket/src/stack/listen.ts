import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GATEWAY_TIMINGS } from '../api-gateway/constants.js';
import type { GatewayOptions } from './options.js';

/** Listens, keeping every socket (upgraded or mid-handshake) so shutdown can end them all. */
export async function listen(options: Pick<GatewayOptions, 'port' | 'host'> & Partial<Pick<GatewayOptions, 'bodyTimeoutMs'>>) {
  // A request (headers and body) that trickles in is cut at the body timeout with 408, checked every second.
  const requestTimeout = options.bodyTimeoutMs ?? GATEWAY_TIMINGS.bodyTimeoutMs;
  const server = createServer({
    requestTimeout,
    headersTimeout: Math.min(60_000, requestTimeout),
    connectionsCheckingInterval: Math.min(1000, requestTimeout),
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => done());
  });
  const port = (server.address() as AddressInfo).port;
  // How this process reaches its own server: a wildcard address is reached on loopback.
  const reachableHost = ['0.0.0.0', '::'].includes(options.host) ? '127.0.0.1' : options.host;
  const origin = `${reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost}:${port}`;
  return { server, sockets, port, origin };
}
export type Listening = Awaited<ReturnType<typeof listen>>;
