import { request } from 'node:http';
import { serveOnFreePort, type TestServer } from 'websocket-test-clients';

/**
 * What the network does to one `@connections` call after the gateway has answered it:
 * - `pass`: the answer goes back as it came;
 * - `reset-after-body`: the request was read whole (and delivered), then the connection is reset with no answer;
 * - `drop-mid-response`: the answer starts, and the socket is dropped in the middle of it.
 */
export type NetworkFault = 'pass' | 'reset-after-body' | 'drop-mid-response';

/** One call the proxy saw. */
export interface ProxiedCall {
  method: string;
  connectionId: string;
  fault: NetworkFault;
  /** The gateway's status for it (what the caller would have got). */
  status: number;
  /** Whether it came from an SDK client (which sends `amz-sdk-invocation-id`; the lean poster does not). */
  fromSdkClient: boolean;
}

/**
 * A real `@connections` HTTP endpoint on 127.0.0.1 (port 0) in front of the local gateway's:
 * every call is forwarded as it came (signature and Host header included, so the gateway's
 * IAM checks it as usual), and `faultFor` decides what reaches the caller of the answer.
 */
export async function connectionsProxy(
  gatewayPort: number,
  faultFor: (method: string, connectionId: string) => NetworkFault,
): Promise<TestServer & { calls: ProxiedCall[]; callsTo(connectionId: string): number }> {
  const calls: ProxiedCall[] = [];
  const server = await serveOnFreePort((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const method = incoming.method ?? 'GET';
      const connectionId = decodeURIComponent(incoming.url?.split('/@connections/')[1] ?? '');
      const fault = faultFor(method, connectionId);
      const upstream = request({ host: '127.0.0.1', port: gatewayPort, method, path: incoming.url, headers: incoming.headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => body.push(chunk));
        answer.on('end', () => {
          calls.push({ method, connectionId, fault, status: answer.statusCode ?? 0, fromSdkClient: 'amz-sdk-invocation-id' in incoming.headers });
          if (fault === 'reset-after-body') return incoming.socket.resetAndDestroy();
          if (fault === 'drop-mid-response') {
            incoming.socket.write(`HTTP/1.1 ${answer.statusCode} OK\r\nContent-Le`);
            return incoming.socket.destroy();
          }
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.end(Buffer.concat(body));
        });
      });
      upstream.on('error', () => incoming.socket.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  return { ...server, calls, callsTo: (connectionId) => calls.filter((call) => call.connectionId === connectionId).length };
}
