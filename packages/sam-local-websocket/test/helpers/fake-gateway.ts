import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the fake gateway answers: the stage's status and the store's tables (or an error status). */
export interface FakeGateway {
  stageStatus: number;
  tables: string[];
  storeStatus: number;
  /** Every request, with its X-Amz-Target. */
  requests: { method: string; url: string; target?: string }[];
}

/**
 * What `npm run invoke` probes, faked: one server standing for both the gateway's port (a GET
 * answered with `stageStatus`) and its DynamoDB's (ListTables answered with `tables`), keeping
 * every request it got.
 */
export function fakeGatewayHandler(fake: FakeGateway) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const target = request.headers['x-amz-target'] as string | undefined;
    fake.requests.push({ method: request.method!, url: request.url!, target });
    request.resume();
    if (request.method === 'GET') return void response.writeHead(fake.stageStatus).end('{"message":"Upgrade Required"}');
    response.writeHead(fake.storeStatus, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(
      fake.storeStatus === 200
        ? JSON.stringify({ TableNames: fake.tables })
        : JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'broken' }),
    );
  };
}
