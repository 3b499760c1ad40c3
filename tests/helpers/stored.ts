import { DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { loadTemplate, LOCAL_CREDENTIALS, startStore, tablesOf } from 'sam-local-websocket';

/**
 * Every connection id left in the template's table kept at `dbPath`, read by starting the
 * store on that folder again (as a restarted `npm start -- --db-path` would), then closing it.
 */
export async function storedIdsAt(dbPath: string, template = 'template.yaml'): Promise<string[]> {
  const tables = tablesOf(loadTemplate(template).template);
  const store = await startStore(tables, { port: 0, path: dbPath });
  const dynamo = new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: store.endpoint });
  try {
    const ids: string[] = [];
    for (const table of tables) {
      let start: ScanCommandOutput['LastEvaluatedKey'];
      do {
        const page = await dynamo.send(new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: start }));
        ids.push(...(page.Items ?? []).map((item) => item.connectionId?.S ?? JSON.stringify(item)));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return ids;
  } finally {
    dynamo.destroy();
    await store.close();
  }
}
