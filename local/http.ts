import type { IncomingMessage, ServerResponse } from 'node:http';
import { servePage } from './page.js';
import type { ConnectionRegistry } from './api-gateway/connections.js';

/** What the gateway answers plain HTTP requests with. */
export interface HttpRoutes {
  /** `/{stage}` */
  stagePath: string;
  registry: ConnectionRegistry;
  /** The built try-it page, when it is served. */
  pageDir?: string;
}

/**
 * Plain HTTP on the gateway's port: the `@connections` API under `/{stage}/@connections/{id}`,
 * the try-it page at `/`, 426 on the stage itself (it wants a WebSocket), and API
 * Gateway's 403 `Forbidden` anywhere else.
 */
export function httpHandler({ stagePath, registry, pageDir }: HttpRoutes) {
  const connectionsPrefix = `${stagePath}/@connections/`;
  return (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith(connectionsPrefix) && url.pathname.length > connectionsPrefix.length) {
      const connectionId = decodeURIComponent(url.pathname.slice(connectionsPrefix.length));
      registry.handle(request, response, connectionId).catch((error) => {
        response.writeHead(500).end(JSON.stringify({ message: (error as Error).message }));
      });
      return;
    }
    const webSocketUrl = `ws://${request.headers.host}${stagePath}`;
    if (pageDir && request.method === 'GET' && servePage(pageDir, url.pathname, webSocketUrl, response)) return;
    request.resume();
    const status = url.pathname === stagePath ? 426 : 403;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: status === 426 ? 'Upgrade Required' : 'Forbidden' }));
  };
}
