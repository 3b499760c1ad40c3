/**
 * The broadcast and fan-out worker handlers built as their app.ts builds them, but posting
 * through the SDK client (SdkPosters) instead of the lean poster: the unit tests mock the SDK
 * client (aws-sdk-client-mock); the lean poster has tests of its own against a local server.
 */
import { broadcastHandler } from '../../functions/broadcast/handler.js';
import { fanOutWorkerHandler } from '../../functions/fan-out-worker/handler.js';
import { readConfig } from '../../functions/shared/config.js';
import { ConnectionStore } from '../../functions/shared/connections.js';
import { lazyWorkerStarter } from '../../functions/shared/dispatch.js';
import { ManagementClients } from '../../functions/shared/management.js';
import { SdkPosters } from '../../functions/shared/posters.js';

const config = readConfig();
const posting = { posters: new SdkPosters(), concurrency: config.broadcastConcurrency };

export const broadcast = broadcastHandler({
  config,
  store: new ConnectionStore(config.tableName),
  posting,
  clients: new ManagementClients(),
  workers: lazyWorkerStarter(),
});

export const fanOutWorker = fanOutWorkerHandler({ store: new ConnectionStore(config.tableName), posting });
