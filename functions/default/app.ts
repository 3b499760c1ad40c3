import { readConfig } from '../shared/config.js';
import { ROUTE_KEYS } from '../shared/constants.js';
import { noticeForUnroutable } from '../shared/notices.js';
import { ManagementClients } from '../shared/management.js';
import { replyWith } from '../shared/reply.js';
import { ok } from '../shared/responses.js';
import { webSocketRoute } from '../shared/route.js';

const config = readConfig();
const endpoint = { override: config.managementEndpoint, region: config.region };
const clients = new ManagementClients();

/** `$default`: tells the caller what was wrong with its message and what it can send. */
export const handler = webSocketRoute(ROUTE_KEYS.default, async (connection, event) => {
  await replyWith(clients, connection, endpoint, noticeForUnroutable(event.body));
  return ok();
});
