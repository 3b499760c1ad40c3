import { readConfig } from '../shared/config.js';
import { ConnectionStore } from '../shared/connections.js';
import { ROUTE_KEYS } from '../shared/constants.js';
import { ok } from '../shared/responses.js';
import { webSocketRoute } from '../shared/route.js';

const store = new ConnectionStore(readConfig().tableName);

/**
 * `$disconnect`: forgets the connection. It is best effort on AWS's side too; a record
 * left behind is removed by the next broadcast (410) or by TTL.
 */
export const handler = webSocketRoute(ROUTE_KEYS.disconnect, async ({ connectionId }) => {
  await store.remove(connectionId);
  return ok();
});
