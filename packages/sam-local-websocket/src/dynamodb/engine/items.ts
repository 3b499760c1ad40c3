/** Reading single items and tables of dynalite's store, as promises, for what the engine adds. */
import type { AttributeMap, Dynalite, EngineError } from './dynalite.js';

/** A table's description as dynalite keeps it (KeySchema, CreationDateTime, …), or dynalite's not-found error. */
// biome-ignore lint/suspicious/noExplicitAny: dynalite's table description
export function tableOf(dynalite: Dynalite, name: string): Promise<any> {
  return new Promise((resolve, reject) => dynalite.store.getTable(name, false, (error: EngineError | null, table) => (error ? reject(error) : resolve(table))));
}

/** The stored item with this key (an item or key map), or undefined. */
// biome-ignore lint/suspicious/noExplicitAny: dynalite's table description
export function storedItem(dynalite: Dynalite, table: any, key: AttributeMap): Promise<AttributeMap | undefined> {
  const itemKey: string = dynalite.db.createKey(key, table);
  return new Promise((resolve, reject) =>
    dynalite.store.getItemDb(table.TableName).get(itemKey, (error, item) => {
      if (error && error.name !== 'NotFoundError') reject(error);
      else resolve(item ?? undefined);
    }),
  );
}

/** Only the key attributes of an item. */
// biome-ignore lint/suspicious/noExplicitAny: dynalite's table description
export function keyOf(table: any, item: AttributeMap): AttributeMap {
  return Object.fromEntries(
    (table.KeySchema as { AttributeName: string }[])
      .filter(({ AttributeName }) => item[AttributeName])
      .map(({ AttributeName }) => [AttributeName, item[AttributeName]]),
  );
}
