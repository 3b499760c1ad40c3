import type { ConnectionContext } from './events.js';
import { logger } from './logger.js';
import { managementEndpoint, type EndpointSettings, type ManagementClients } from './management.js';
import type { Notice, StatusNotice } from './notices.js';

/**
 * Sends a JSON notice back to the caller through `@connections` with the container's SDK
 * `clients` (a proxy route's body is not returned without a route response). A caller that is
 * gone is logged, not thrown (the invocation's log lines already carry its connection id).
 */
export async function replyWith(
  clients: ManagementClients,
  context: ConnectionContext,
  settings: EndpointSettings,
  notice: Notice | StatusNotice,
): Promise<boolean> {
  try {
    await clients.post(managementEndpoint(context, settings), context.connectionId, JSON.stringify(notice));
    return true;
  } catch (error) {
    logger.warn('reply not delivered', { notice: 'error' in notice ? notice.error : notice.status, error });
    return false;
  }
}
