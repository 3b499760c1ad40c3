import type { GatewayOptions } from '../../src/stack/options.js';
import { type LocalGateway, startLocalGateway as startTestGateway } from '../../src/testing/index.js';
import { CHAT_APP_TEMPLATE } from './fixtures.js';

export { connectionIdOf, type LocalGateway } from '../../src/testing/index.js';

/** The twin's test app on free ports, unless told otherwise (src/testing.ts). */
export function startLocalGateway(options: Partial<GatewayOptions> = {}): Promise<LocalGateway> {
  return startTestGateway({ template: CHAT_APP_TEMPLATE, ...options });
}
