/**
 * Time to Live: UpdateTimeToLive and DescribeTimeToLive (which dynalite lacks or answers
 * DISABLED), and the deletion of expired items. As on DynamoDB, an item expires when its TTL
 * attribute is a Number (epoch seconds) less than the current time, and an expired item is
 * read, queried and scanned like any other until it is deleted; the twin deletes expired items
 * every `intervalMs` (DynamoDB: "typically within two days"). Settings are kept in dynalite's
 * own database, next to the tables, so a `--db-path` store keeps them.
 */
import type { AttributeMap, Dynalite, EngineError } from './dynalite.js';
import { validationAnswer, type Answer } from './envelope.js';
import type { EngineGate } from './gate.js';
import { errorAnswer } from './http.js';
import { keyOf, storedItem, tableOf } from './items.js';

/** A table's TTL setting, as kept in the database (with the table's creation time: a table made again starts without). */
interface TtlSetting {
  TableName: string;
  AttributeName: string;
  TableCreated: number;
}

const PREFIX = 'sam-local-websocket-ttl~';

type Request = Record<string, unknown>;

const expired = (item: AttributeMap, attribute: string, nowSeconds: number) => {
  const value = item[attribute]?.N;
  return typeof value === 'string' && Number(value) < nowSeconds;
};

/** TTL for one engine: its two operations, and the sweep that deletes expired items. */
export function timeToLive(dynalite: Dynalite, gate: EngineGate, intervalMs: number) {
  const { db } = dynalite.store;
  const read = (table: string) =>
    new Promise<TtlSetting | undefined>((resolve) => db.get(PREFIX + table, (error, value) => resolve(error ? undefined : (value as TtlSetting | undefined))));
  const write = (setting: TtlSetting | { TableName: string; AttributeName?: undefined }) =>
    new Promise<void>((resolve, reject) => db.put(PREFIX + setting.TableName, setting, (error) => (error ? reject(error) : resolve())));
  /** The table's setting if it still applies (the table exists and is the one it was made for). */
  // biome-ignore lint/suspicious/noExplicitAny: dynalite's table description
  const settingOf = async (table: any) => {
    const setting = await read(table.TableName);
    return setting?.AttributeName && setting.TableCreated === table.CreationDateTime ? setting : undefined;
  };
  const known = new Set<string>();

  const describe = async (request: Request): Promise<Answer> => {
    try {
      dynalite.validate('DescribeTimeToLive', request);
      const setting = await settingOf(await tableOf(dynalite, String(request.TableName)));
      const description = setting ? { TimeToLiveStatus: 'ENABLED', AttributeName: setting.AttributeName } : { TimeToLiveStatus: 'DISABLED' };
      return { status: 200, body: { TimeToLiveDescription: description } };
    } catch (error) {
      return errorAnswer(error as EngineError);
    }
  };

  const update = async (request: Request): Promise<Answer> => {
    try {
      dynalite.validate('DescribeTimeToLive', { TableName: request.TableName }); // the same TableName rules
      const spec = request.TimeToLiveSpecification as Request | undefined;
      if (!spec || typeof spec !== 'object') {
        return validationAnswer("1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null");
      }
      const name = spec.AttributeName;
      if (typeof name !== 'string' || name.length < 1 || name.length > 255) {
        return validationAnswer(
          "1 validation error detected: Value at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length between 1 and 255",
        );
      }
      if (typeof spec.Enabled !== 'boolean') {
        return validationAnswer(
          "1 validation error detected: Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null",
        );
      }
      const table = await tableOf(dynalite, String(request.TableName));
      const current = await settingOf(table);
      if (spec.Enabled && current) return validationAnswer('TimeToLive is already enabled');
      if (!spec.Enabled && !current) return validationAnswer('TimeToLive is already disabled');
      await write(spec.Enabled ? { TableName: table.TableName, AttributeName: name, TableCreated: table.CreationDateTime } : { TableName: table.TableName });
      if (spec.Enabled) known.add(table.TableName);
      return { status: 200, body: { TimeToLiveSpecification: { Enabled: spec.Enabled, AttributeName: name } } };
    } catch (error) {
      return errorAnswer(error as EngineError);
    }
  };

  /** Deletes the items of one table whose TTL has passed; each checked again, alone, just before. */
  const sweepTable = async (tableName: string) => {
    const table = await tableOf(dynalite, tableName).catch(() => undefined);
    const setting = table && (await settingOf(table));
    if (!setting) return;
    const now = Date.now() / 1000;
    const candidates: AttributeMap[] = [];
    for await (const item of dynalite.store.getItemDb(tableName).createValueStream() as AsyncIterable<AttributeMap>) {
      if (expired(item, setting.AttributeName, now)) candidates.push(keyOf(table, item));
    }
    if (candidates.length === 0) return;
    await gate.run(true, async () => {
      for (const key of candidates) {
        const item = await storedItem(dynalite, table, key);
        if (item && expired(item, setting.AttributeName, Date.now() / 1000)) await dynalite.run('DeleteItem', { TableName: tableName, Key: key });
      }
    });
  };

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const sweep = async () => {
    for (const tableName of [...known]) await sweepTable(tableName).catch(() => {});
    if (!stopped) timer = setTimeout(sweep, intervalMs);
  };

  return {
    describe,
    update,
    /** Learns the tables with TTL from the database, then sweeps every `intervalMs`. */
    start: () => {
      tablesWithSettings(dynalite)
        .then((names) => {
          for (const name of names) known.add(name);
        })
        .catch(() => {})
        .finally(() => {
          if (!stopped) timer = setTimeout(sweep, intervalMs);
        });
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Every table name the database holds a TTL setting for. */
async function tablesWithSettings(dynalite: Dynalite): Promise<string[]> {
  const names: string[] = [];
  const stream = dynalite.store.tableDb.createValueStream() as AsyncIterable<{ TableName: string }>;
  for await (const table of stream) names.push(table.TableName);
  return names;
}
