/**
 * The functions' DynamoDB endpoint: a small HTTP front before the local store that checks every
 * request's signature and the calling function's policy, then passes it on unchanged. Refusals
 * are DynamoDB's own JSON errors (HTTP 400), so the SDK raises the same exceptions as on AWS.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalIam } from '../iam/authority.js';
import { IAM_ERRORS, SIGNATURE_MISMATCH_MESSAGE } from '../iam/constants.js';
import { dynamoDbAccesses, operationOf } from './access.js';
import { guard } from '../iam/guard.js';
import type { IamRefusal } from '../iam/refusal.js';
import { readBody } from '../shared/read-body.js';

/** DynamoDB's largest request (a 16 MB BatchWriteItem); anything longer is cut off. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** DynamoDB's JSON error, typed as the SDK reads it. */
function sendDynamoDbError(response: ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
  response.end(JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message }));
}

/** AWS's wording of each refusal. */
export function dynamoDbRefusalMessage(iam: LocalIam, refusal: IamRefusal): string {
  if (refusal.message) return refusal.message; // AWS's own words for a time, scope or unknown-key refusal
  if (refusal.error === IAM_ERRORS.missingToken) return 'Request is missing Authentication Token';
  if (refusal.error === IAM_ERRORS.invalidSignature) return SIGNATURE_MISMATCH_MESSAGE;
  const who = `User: ${iam.principalArn(refusal.function!)} is not authorized to perform: ${refusal.action} on resource: ${refusal.resource}`;
  return refusal.reason === 'explicit deny'
    ? `${who} with an explicit deny in an identity-based policy`
    : `${who} because no identity-based policy allows the ${refusal.action} action`;
}

/** A running front: its endpoint is what the functions' `AWS_ENDPOINT_URL_DYNAMODB` names. */
export interface DynamoDbFront {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts the verifying front on a free port of `host`, passing allowed requests to `storeEndpoint`. */
export async function startDynamoDbFront(iam: LocalIam, storeEndpoint: string, host: string): Promise<DynamoDbFront> {
  const store = new URL(storeEndpoint);
  const tableArn = (table: string) => iam.arnOf('dynamodb', `table/${table}`);

  const forward = (request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    const upstream = httpRequest(
      { hostname: store.hostname, port: store.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    // The store unreachable (paused): the caller's connection drops, as the store's own would.
    upstream.on('error', () => request.socket.destroy());
    upstream.end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request, MAX_REQUEST_BYTES);
    if (body === 'too large') {
      return sendDynamoDbError(response, 413, 'RequestEntityTooLarge', 'Request must be smaller than 16 MB');
    }
    const received = { method: request.method ?? 'POST', url: request.url ?? '/', headers: request.headers, body };
    const target = String(request.headers['x-amz-target'] ?? '');
    // A target it cannot read is still checked: as that action, needing Resource "*".
    const accesses = () => dynamoDbAccesses(operationOf(target) ?? target, body, tableArn);
    const result = await guard(iam, received, 'dynamodb', { error: IAM_ERRORS.accessDenied, status: 400 }, 400, accesses);
    if (!result.allowed) {
      iam.refused(result.refusal);
      return sendDynamoDbError(response, 400, result.refusal.error, dynamoDbRefusalMessage(iam, result.refusal));
    }
    forward(request, body, response);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) sendDynamoDbError(response, 500, 'InternalServerError', error.message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
