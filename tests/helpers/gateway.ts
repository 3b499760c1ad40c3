import type { GatewayOptions } from 'sam-local-websocket';
import { type LocalGateway, startLocalGateway as startTestGateway } from 'sam-local-websocket/testing';

export { connectionIdOf, type LocalGateway } from 'sam-local-websocket/testing';

/** The app's template on free ports, with the try-it page as npm start serves it (sam-local-websocket/testing). */
export function startLocalGateway(options: Partial<GatewayOptions> = {}): Promise<LocalGateway> {
  return startTestGateway({ page: 'web', ...options });
}
