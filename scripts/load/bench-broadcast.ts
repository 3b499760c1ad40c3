/**
 * The benchmark's broadcast function: the broadcast handler of functions/broadcast, built as
 * its app.ts builds it but with the poster and concurrency the bench chose for the run
 * (bench-posting.ts: `BENCH_CLIENT`, `BENCH_CONCURRENCY`). The bench serves a copy of
 * template.yaml whose BroadcastFunction is bundled from this entry (bench-template.ts), with
 * the same esbuild options.
 */
import { broadcastHandler } from '../../functions/broadcast/handler.js';
import { readConfig } from '../../functions/shared/config.js';
import { ConnectionStore } from '../../functions/shared/connections.js';
import { lazyWorkerStarter } from '../../functions/shared/dispatch.js';
import { ManagementClients } from '../../functions/shared/management.js';
import { benchPosting } from './bench-posting.js';

const config = readConfig();

export const handler = broadcastHandler({
  config,
  store: new ConnectionStore(config.tableName),
  posting: benchPosting(process.env, config),
  clients: new ManagementClients(),
  workers: lazyWorkerStarter(),
});
