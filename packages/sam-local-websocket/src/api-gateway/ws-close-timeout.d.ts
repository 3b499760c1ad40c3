// ws 8.19 added the server's `closeTimeout` option (ms before a socket whose closing handshake
// does not finish is destroyed; default 30,000); @types/ws 8.18.2, the newest, does not have it yet.
import type { IncomingMessage } from 'node:http';

declare module 'ws' {
  namespace WebSocket {
    interface ServerOptions<U extends typeof WebSocket.WebSocket = typeof WebSocket.WebSocket, V extends typeof IncomingMessage = typeof IncomingMessage> {
      closeTimeout?: number | undefined;
    }
  }
}
