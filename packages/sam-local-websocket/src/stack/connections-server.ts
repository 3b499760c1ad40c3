/// <reference path="../api-gateway/ws-close-timeout.d.ts" />
import { WebSocketServer } from 'ws';
import type { ConnectionRegistry } from '../api-gateway/connection-registry.js';
import type { ConnectionsApi } from '../api-gateway/connections-api.js';
import type { ConnectionsGuard } from '../api-gateway/connections-guard.js';
import { API_GATEWAY_LIMITS } from '../api-gateway/constants.js';
import type { ApiIdentity } from '../api-gateway/events.js';
import type { InvocationOutcome } from '../api-gateway/invocation-outcome.js';
import { PendingWork } from '../shared/pending-work.js';
import { routeInvoker } from '../api-gateway/route-invocation.js';
import { routeSelector } from '../api-gateway/route-selection.js';
import { goAway, type SessionContext } from '../api-gateway/session.js';
import { HandshakeGate } from '../api-gateway/handshake-gate.js';
import { ConnectProtocols } from '../api-gateway/subprotocol.js';
import { Throttle, type StageThrottling } from '../api-gateway/throttle.js';
import { refuseHandshake, upgradeHandler, type HandshakeCheck } from '../api-gateway/upgrade.js';
import type { LocalIssuer } from '../identity-provider/issuer.js';
import type { LocalFunctions } from '../lambda/functions.js';
import type { invokeApi } from '../lambda/invoke-api/invoke-api.js';
import { parseRequestTarget } from '../shared/request-url.js';
import { httpHandler } from './http-routes.js';
import type { Listening } from './listen.js';
import type { GatewayOptions } from './options.js';
import type { ServedApi } from './served-api.js';

/** Serves WebSocket upgrades on the stage and plain HTTP (`@connections`, the page) on the same port. */
export function serveConnections(
  options: GatewayOptions,
  served: ServedApi,
  listening: Listening,
  parts: {
    identity: ApiIdentity;
    registry: ConnectionRegistry;
    connectionsApi: ConnectionsApi;
    backends: { functions: LocalFunctions; handshakeCheck: HandshakeCheck; invokeApi: ReturnType<typeof invokeApi>; throttling: StageThrottling };
    report: (outcome: InvocationOutcome) => void;
    pageDir?: string;
    issuer?: LocalIssuer;
    guard?: ConnectionsGuard;
  },
): { close(): Promise<void> } {
  const { registry } = parts;
  const pendingWork = new PendingWork();
  let closing = false;
  const throttle = options.throttling ? new Throttle(parts.backends.throttling) : undefined;
  const context: SessionContext = {
    api: served.api,
    identity: parts.identity,
    registry,
    invoke: routeInvoker(parts.backends.functions, parts.report),
    selectRoute: routeSelector(served.api.routeSelectionExpression, new Set(served.api.routes.keys())),
    admit: (routeKey) => throttle?.admit(routeKey) ?? true,
    idleTimeoutMs: options.idleTimeoutMs,
    maxDurationMs: options.maxDurationMs,
    track: (work) => pendingWork.add(work.catch((error: Error) => options.log(`gateway error: ${error.message}`))),
    closing: () => closing,
    log: options.log,
  };
  const protocols = new ConnectProtocols();
  const gate = new HandshakeGate();
  const wss = new WebSocketServer({
    noServer: true,
    verifyClient: gate.verifyClient,
    maxPayload: API_GATEWAY_LIMITS.maxPayloadBytes,
    handleProtocols: protocols.choose,
    // ws ends the TCP connection when the client answers a close frame, and destroys the socket this long after close() if it does not.
    closeTimeout: options.closeTimeoutMs,
  });
  const upgrade = upgradeHandler(
    context,
    wss,
    parts.backends.handshakeCheck,
    {
      maxUrlLength: options.maxUrlLength,
      maxFrameBytes: options.maxFrameBytes,
    },
    protocols,
    gate,
  );
  // A handshake ws refuses (its own parser) is answered as the gateway answers every refusal.
  wss.on('wsClientError', (_error, socket) => refuseHandshake(socket, 400));
  const stagePath = `/${served.stage}`;
  listening.server.on('upgrade', (request, socket, head) => {
    const url = parseRequestTarget(request.url);
    if (!url) return refuseHandshake(socket, 400);
    if (url.pathname !== stagePath && url.pathname !== `${stagePath}/`) return refuseHandshake(socket, 403);
    if (closing) return refuseHandshake(socket, 503); // stopping: no new connections
    context.track(upgrade(request, socket, head, url));
  });
  listening.server.on(
    'request',
    httpHandler({
      stagePath,
      connectionsApi: parts.connectionsApi,
      pageDir: parts.pageDir,
      issuer: parts.issuer,
      guard: parts.guard,
      invokeApi: parts.backends.invokeApi.handle,
    }),
  );
  return {
    /** Refuses new handshakes, closes every connection, and waits for `$disconnect` and running invocations (bounded). */
    close: async () => {
      closing = true;
      const deadline = Date.now() + options.shutdownTimeoutMs;
      // Queued messages would post for senders that are leaving; $disconnect is never shed.
      parts.backends.functions.drain();
      // Each close runs $disconnect before it settles, so waiting for the work waits for both.
      for (const { socket } of registry.all()) pendingWork.add(goAway(socket));
      if (!(await pendingWork.settled(deadline))) {
        options.log(`gateway: ${pendingWork.size} invocations still under way after ${options.shutdownTimeoutMs} ms; stopping them`);
      }
      for (const client of wss.clients) client.terminate();
      wss.close();
      for (const socket of listening.sockets) socket.destroy();
    },
  };
}
