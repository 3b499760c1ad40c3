/**
 * The broadcast function's container: what it makes once (configuration, the table, the lean
 * posters, the SDK clients for notices, the worker starter, whose Lambda client is made on the
 * first dispatch) and the handler built on them
 * (handler.ts).
 */
import { readConfig } from '../shared/config.js';
import { ConnectionStore } from '../shared/connections.js';
import { lazyWorkerStarter } from '../shared/dispatch.js';
import { ManagementClients } from '../shared/management.js';
import { LeanPosters } from '../shared/posters.js';
import { broadcastHandler } from './handler.js';

const config = readConfig();

export const handler = broadcastHandler({
  config,
  store: new ConnectionStore(config.tableName),
  posting: { posters: new LeanPosters(), concurrency: config.broadcastConcurrency },
  clients: new ManagementClients(),
  workers: lazyWorkerStarter(),
});
