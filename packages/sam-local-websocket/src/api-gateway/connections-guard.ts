/**
 * API Gateway's IAM authorization of the `@connections` API: every call must be SigV4-signed
 * (in the `Authorization` header or, presigned, in the query string);
 * a function's call needs `execute-api:ManageConnections` on
 * `arn:PARTITION:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/@connections/ID`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_GATEWAY_LIMITS } from './constants.js';
import { CONNECTIONS_ERRORS, sendError } from './connections-api.js';
import { readBody } from '../shared/read-body.js';
import type { LocalIam } from '../iam/authority.js';
import { IAM_ERRORS, MANAGE_CONNECTIONS, SIGNATURE_MISMATCH_MESSAGE } from '../iam/constants.js';
import { guard } from '../iam/guard.js';
import { presignedParts } from '../iam/presigned.js';

/** Where the `@connections` API is: its API id and stage. */
export interface ConnectionsApiScope {
  apiId: string;
  stage: string;
}

/**
 * Checks one `@connections/{id}` request. Resolves to its body when it may go on, or to
 * undefined when it was answered (refused, or too large to read).
 */
export type ConnectionsGuard = (request: IncomingMessage, response: ServerResponse, connectionId: string) => Promise<Buffer | undefined>;

/** The `@connections` guard of a local IAM. */
export function connectionsGuard(iam: LocalIam, api: ConnectionsApiScope): ConnectionsGuard {
  return async (request, response, connectionId) => {
    const method = request.method ?? 'GET';
    if (!iam.signatures.parts(request.headers.authorization) && !presignedParts(request.url ?? '')) {
      // Answered before the body is read: there is nothing to verify it against.
      request.resume();
      iam.refused({ service: 'execute-api', error: IAM_ERRORS.missingToken, status: 403, reason: 'the request is not signed' });
      sendError(response, { status: 403, type: IAM_ERRORS.missingToken, message: 'Missing Authentication Token' });
      return undefined;
    }
    const body = await readBody(request, API_GATEWAY_LIMITS.maxPayloadBytes);
    if (body === 'too large') {
      sendError(response, CONNECTIONS_ERRORS.tooLarge);
      return undefined;
    }
    const resource = iam.arnOf('execute-api', `${api.apiId}/${api.stage}/${method}/@connections/${connectionId}`);
    const received = { method, url: request.url ?? '/', headers: request.headers, body };
    const result = await guard(iam, received, 'execute-api', { error: IAM_ERRORS.forbidden, status: 403 }, 403, () => [
      { action: MANAGE_CONNECTIONS, resource },
    ]);
    if (result.allowed) return body;
    iam.refused(result.refusal);
    const message =
      result.refusal.message ?? (result.refusal.error === IAM_ERRORS.invalidSignature ? SIGNATURE_MISMATCH_MESSAGE : CONNECTIONS_ERRORS.forbidden.message);
    sendError(response, { status: 403, type: result.refusal.error, message });
    return undefined;
  };
}
