/** The fan-out worker's container: its configuration, table and lean posters, and the handler built on them (handler.ts). */
import { readConfig } from '../shared/config.js';
import { ConnectionStore } from '../shared/connections.js';
import { LeanPosters } from '../shared/posters.js';
import { fanOutWorkerHandler } from './handler.js';

const config = readConfig();

export const handler = fanOutWorkerHandler({
  store: new ConnectionStore(config.tableName),
  posting: { posters: new LeanPosters(), concurrency: config.broadcastConcurrency },
});
