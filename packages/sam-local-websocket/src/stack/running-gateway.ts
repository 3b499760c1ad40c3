/**
 * Finds the local gateway `npm start` runs, from another process (`npm run invoke`): its
 * `@connections` API and its DynamoDB, each probed at the port it was given (the gateway's
 * defaults unless told otherwise). Nothing is written to disk by the gateway for this: a
 * file could outlive a killed gateway or name the wrong one of several; a probe sees what
 * actually answers.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GatewayNotRunningError } from '../errors.js';
import { LOCAL_CREDENTIALS } from '../dynamodb/store.js';

/** Where to look. */
export interface GatewayAddress {
  host: string;
  port: number;
  dbPort: number;
  stage: string;
  /** Table names the template declares: the store must hold them all. */
  tables: string[];
}

/** The endpoints of a running gateway, as its functions' environment names them. */
export interface RunningGateway {
  /** `http://host:port/{stage}`: `MANAGEMENT_API_ENDPOINT`. */
  managementEndpoint: string;
  /** `http://host:dbPort`: `AWS_ENDPOINT_URL_DYNAMODB`. */
  dbEndpoint: string;
}

/** How long a probe may take: a local server answers in milliseconds, even on a busy machine. */
const PROBE_TIMEOUT_MS = 10_000;

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);
const reason = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code ?? (error as Error).name ?? String(error);
};

/** Probes both; throws {@link GatewayNotRunningError} naming what did not answer as a gateway would. */
export async function findRunningGateway(address: GatewayAddress): Promise<RunningGateway> {
  const origin = `http://${urlHost(address.host)}:${address.port}`;
  const dbEndpoint = `http://${urlHost(address.host)}:${address.dbPort}`;
  await probeStage(origin, address.stage);
  await probeStore(dbEndpoint, address.tables);
  return { managementEndpoint: `${origin}/${address.stage}`, dbEndpoint };
}

/** The stage path of a local gateway answers a plain GET with 426 (it wants a WebSocket upgrade). */
async function probeStage(origin: string, stage: string): Promise<void> {
  const url = `${origin}/${stage}`;
  let status: number;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    throw new GatewayNotRunningError(`no local gateway at ${origin} (${reason(error)}): start one (sam-local-websocket), or pass --port`, { cause: error });
  }
  if (status !== 426) {
    throw new GatewayNotRunningError(
      `${origin} is not a local gateway serving stage "${stage}" (GET ${url} answered ${status}): pass --port, or --stage / --parameter StageName=`,
    );
  }
}

/** The store must answer ListTables and hold the template's tables. */
async function probeStore(endpoint: string, tables: string[]): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: PROBE_TIMEOUT_MS, requestTimeout: PROBE_TIMEOUT_MS },
  });
  try {
    let names: string[];
    try {
      names = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    } catch (error) {
      throw new GatewayNotRunningError(`no local DynamoDB at ${endpoint} (${reason(error)}): pass the gateway's --db-port`, { cause: error });
    }
    const missing = tables.filter((table) => !names.includes(table));
    if (missing.length > 0) {
      throw new GatewayNotRunningError(`the DynamoDB at ${endpoint} has no table ${missing.join(', ')}: is it this template's gateway? (pass --db-port)`);
    }
  } finally {
    client.destroy();
  }
}
