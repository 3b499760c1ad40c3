import { readConfig } from '../shared/config.js';
import { ConnectionStore, expiryFor } from '../shared/connections.js';
import { ROUTE_KEYS } from '../shared/constants.js';
import { ok } from '../shared/responses.js';
import { webSocketRoute } from '../shared/route.js';

const store = new ConnectionStore(readConfig().tableName);

/**
 * `$connect`: stores the connection. Any failure answers 500, which refuses the handshake,
 * so a client is never connected without a record.
 */
export const handler = webSocketRoute(ROUTE_KEYS.connect, async ({ connectionId, connectedAt }, event) => {
  await store.save({
    connectionId,
    connectedAt,
    expiresAt: expiryFor(connectedAt),
    principalId: event.requestContext.authorizer?.principalId,
    sub: event.requestContext.authorizer?.sub,
  });
  return ok();
});
