/**
 * What DynamoDB (and dynalite, whose checks these are) answers before it reads an operation:
 * the method and content type, the JSON, the target and the signature's presence. Signatures
 * themselves are checked by the IAM front (../front.ts) when IAM is on, as dynalite never did.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { DYNALITE_OPERATIONS } from './dynalite.js';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH, NESTING_MESSAGE } from './limits.js';

/** The operations the engine adds to dynalite's. */
export const ADDED_OPERATIONS = ['TransactWriteItems', 'TransactGetItems', 'UpdateTimeToLive'] as const;

const OPERATIONS: ReadonlySet<string> = new Set([...DYNALITE_OPERATIONS, ...ADDED_OPERATIONS]);
const API_VERSIONS: ReadonlySet<string> = new Set(['DynamoDB_20111205', 'DynamoDB_20120810']);

/** An answer: status, JSON body (or raw text), extra headers. */
export interface Answer {
  status: number;
  body?: Record<string, unknown>;
  text?: string;
  headers?: Record<string, string | number>;
}

/** A request that passed the envelope: its operation and its parsed body. */
export interface Envelope {
  operation: string;
  request: Record<string, unknown>;
  contentType: string;
}

const coral = (type: string, message?: string): Answer => ({
  status: 400,
  body: message === undefined ? { __type: `com.amazon.coral.service#${type}` } : { __type: `com.amazon.coral.service#${type}`, message },
});

/** DynamoDB's ValidationException. */
export const validationAnswer = (message: string): Answer => ({
  status: 400,
  body: { __type: 'com.amazon.coral.validate#ValidationException', message },
});

/** The answer to a request that is not an operation (preflight, health check, bad envelope), or its envelope. */
export function readEnvelope(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Answer | Envelope {
  const cors: Record<string, string | number> = headers.origin ? { 'Access-Control-Allow-Origin': '*' } : {};
  if (headers.origin && method === 'OPTIONS') {
    const allowHeaders = headers['access-control-request-headers'];
    const allowMethod = headers['access-control-request-method'];
    return {
      status: 200,
      text: '',
      headers: {
        ...cors,
        ...(allowHeaders ? { 'Access-Control-Allow-Headers': allowHeaders } : {}),
        ...(allowMethod ? { 'Access-Control-Allow-Methods': allowMethod } : {}),
        'Access-Control-Max-Age': 172800,
      },
    };
  }
  if (method === 'GET') return { status: 200, text: 'healthy: dynamodb.us-east-1.amazonaws.com ', headers: cors };
  const contentType = (headers['content-type'] ?? '').split(';')[0].trim();
  if (method !== 'POST' || (body.length > 0 && contentType !== 'application/json' && contentType !== 'application/x-amz-json-1.0')) {
    return { status: 404, text: '<UnknownOperationException/>\n', headers: cors };
  }
  const answer = (found: Answer): Answer => ({ ...found, headers: cors });
  // Too deep to be a request: refused before it is parsed (a parse or a walk would recurse).
  if (jsonNestsDeeperThan(body, MAX_JSON_DEPTH)) return answer(validationAnswer(NESTING_MESSAGE));
  let request: unknown;
  if (body.length > 0) {
    try {
      request = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(coral('SerializationException'));
    }
  }
  const [version, operation, ...rest] = String(headers['x-amz-target'] ?? '').split('.');
  if (rest.length > 0 || !API_VERSIONS.has(version) || !OPERATIONS.has(operation)) return answer(coral('UnknownOperationException'));
  const refusal = signatureShapeRefusal(url, headers);
  if (refusal) return answer(refusal);
  if (body.length === 0 || typeof request !== 'object' || request === null || Array.isArray(request)) return answer(coral('SerializationException'));
  return {
    operation,
    request: request as Record<string, unknown>,
    contentType: contentType === 'application/x-amz-json-1.0' ? contentType : 'application/json',
  };
}

/** dynalite's checks that a request carries a signature (header or query string), in its words. */
function signatureShapeRefusal(url: string, headers: IncomingHttpHeaders): Answer | undefined {
  const auth = headers.authorization;
  const query = new URL(url, 'http://local').searchParams;
  const inQuery = query.has('X-Amz-Algorithm');
  if (auth && inQuery) {
    return coral('InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  }
  if ((!auth && !inQuery) || (auth && auth.trim().slice(0, 5) !== 'AWS4-')) {
    return coral('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  }
  let message = '';
  if (auth) {
    const params = new Map(
      auth
        .split(/,| /)
        .slice(1)
        .filter(Boolean)
        .map((pair) => pair.trim().split('=') as [string, string | undefined]),
    );
    for (const param of ['Credential', 'Signature', 'SignedHeaders']) {
      if (!params.get(param)) message += `Authorization header requires '${param}' parameter. `;
    }
    if (!headers['x-amz-date'] && !headers.date) {
      message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    if (message) message += `Authorization=${auth}`;
  } else {
    for (const param of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']) {
      if (!query.get(param)) message += `AWS query-string parameters must include '${param}'. `;
    }
    if (message) message += 'Re-examine the query-string parameters.';
  }
  return message ? coral('IncompleteSignatureException', message) : undefined;
}
