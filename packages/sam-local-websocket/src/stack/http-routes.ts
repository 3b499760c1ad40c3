import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { servePage } from '../page/serve-page.js';
import type { ConnectionsApi } from '../api-gateway/connections-api.js';
import { decodeSegment, parseRequestTarget } from '../shared/request-url.js';
import type { LocalIssuer } from '../identity-provider/issuer.js';
import type { ConnectionsGuard } from '../api-gateway/connections-guard.js';

/** What the gateway answers plain HTTP requests with. */
export interface HttpRoutes {
  /** `/{stage}` */
  stagePath: string;
  /** The `@connections` API's answer to a call on one connection. */
  connectionsApi: ConnectionsApi;
  /** The built try-it page, when it is served. */
  pageDir?: string;
  /** The local OIDC issuer, when one runs. */
  issuer?: LocalIssuer;
  /** IAM's check of every `@connections` call; none with `--iam off`. */
  guard?: ConnectionsGuard;
  /** Lambda's Invoke API: answers its own paths and returns true, else false. */
  invokeApi?: (request: IncomingMessage, response: ServerResponse, pathname: string, search: URLSearchParams) => boolean;
}

/**
 * Plain HTTP on the gateway's port: Lambda's Invoke API under `/2015-03-31/functions/`, the
 * `@connections` API under `/{stage}/@connections/{id}`, the local issuer under `/local-issuer` when it runs,
 * the try-it page at `/`, 426 on the stage itself (it wants a WebSocket), and API
 * Gateway's 403 `Forbidden` anywhere else. A target that is no valid URL, or an id whose
 * percent-encoding is malformed, gets 400 `Bad Request`: nothing a client sends throws.
 */
export function httpHandler({ stagePath, connectionsApi, pageDir, issuer, guard, invokeApi }: HttpRoutes) {
  const connectionsPrefix = `${stagePath}/@connections/`;
  return (request: IncomingMessage, response: ServerResponse): void => {
    const url = parseRequestTarget(request.url);
    const connectionId =
      url?.pathname.startsWith(connectionsPrefix) && url.pathname.length > connectionsPrefix.length
        ? decodeSegment(url.pathname.slice(connectionsPrefix.length))
        : null;
    if (!url || connectionId === undefined) {
      if (connectionId === undefined) response.setHeader('x-amzn-RequestId', randomUUID()); // a @connections call too
      answer(request, response, 400, 'Bad Request');
      return;
    }
    // `@connections` first, the busy path (a broadcast's every post): the Invoke API's paths
    // (`/2015-03-31/functions/…`) never hold `@connections/`, so the order decides nothing.
    if (connectionId !== null) {
      serveConnection(request, response, connectionId, connectionsApi, guard).catch((error) => {
        if (response.headersSent) response.destroy();
        else response.writeHead(500).end(JSON.stringify({ message: (error as Error).message }));
      });
      return;
    }
    if (invokeApi?.(request, response, url.pathname, url.searchParams)) return;
    if (issuer?.owns(url.pathname)) {
      issuer.handle(request, response, url.pathname);
      return;
    }
    const webSocketUrl = `ws://${request.headers.host}${stagePath}`;
    if (pageDir && request.method === 'GET' && servePage(pageDir, url.pathname, webSocketUrl, response)) return;
    if (url.pathname === stagePath) answer(request, response, 426, 'Upgrade Required');
    else answer(request, response, 403, 'Forbidden');
  };
}

/** One `@connections/{id}` call: IAM's check when it runs, then the API's answer. */
async function serveConnection(
  request: IncomingMessage,
  response: ServerResponse,
  connectionId: string,
  connectionsApi: ConnectionsApi,
  guard?: ConnectionsGuard,
): Promise<void> {
  // Every answer, refusals too, carries a request id, as API Gateway's do.
  response.setHeader('x-amzn-RequestId', randomUUID());
  const body = guard ? await guard(request, response, connectionId) : undefined;
  if (guard && body === undefined) return; // refused: already answered
  await connectionsApi(request, response, connectionId, body);
}

/** Answers with a JSON `{message}`, the body left unread. */
function answer(request: IncomingMessage, response: ServerResponse, status: number, message: string): void {
  request.resume();
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ message }));
}
