/**
 * The engine's HTTP handler: every request is answered, whatever its bytes, and nothing it
 * does throws out of the thread. The envelope first (./envelope.ts), then DynamoDB's request
 * limits (./limits.ts), then the operation: one the engine adds, or dynalite's own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Dynalite, EngineError } from './dynalite.js';
import { readEnvelope, validationAnswer, type Answer } from './envelope.js';
import type { EngineGate } from './gate.js';
import { requestLimitBreak } from './limits.js';

/** DynamoDB's largest request (a 16 MB BatchWriteItem). */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** An operation the engine implements itself. */
export type AddedOperation = (request: Record<string, unknown>) => Promise<Answer>;

/** The answer to a request that reaches the engine after it began closing. */
const CLOSING: Answer = {
  status: 500,
  body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'The local store is stopping' },
  headers: { connection: 'close' },
};

/** dynalite's error (or any other) as an answer; what is not DynamoDB's error becomes a 500. */
export function errorAnswer(error: EngineError): Answer {
  if (error.statusCode && error.body) return { status: error.statusCode, body: error.body };
  return { status: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: error.message ?? 'Internal error' } };
}

/** Runs a dynalite operation: its validations, then its action (alongside others). */
export async function runDynalite(dynalite: Dynalite, gate: EngineGate, operation: string, request: Record<string, unknown>): Promise<Answer> {
  try {
    const data = dynalite.validate(operation, request);
    return { status: 200, body: await gate.run(false, () => dynalite.run(operation, data)) };
  } catch (error) {
    return errorAnswer(error as EngineError);
  }
}

/** A 52-character request id, as dynalite (and DynamoDB) forms it. */
const requestId = () => randomBytes(39).toString('base64').toUpperCase().replace(/\+|\//g, '0');

function send(response: ServerResponse, answer: Answer, contentType = 'application/x-amz-json-1.0'): void {
  if (response.headersSent || response.destroyed) return;
  const text = answer.text ?? JSON.stringify(answer.body ?? {});
  const headers: Record<string, string | number> = {
    'x-amzn-RequestId': requestId(),
    'x-amz-crc32': crc32(text),
    'Content-Length': Buffer.byteLength(text),
    ...(answer.text === undefined ? { 'Content-Type': contentType } : {}),
    ...answer.headers,
  };
  response.writeHead(answer.status, headers).end(text);
}

/** The handler: `added` maps an operation to the engine's own implementation of it. */
export function engineHandler(
  dynalite: Dynalite,
  gate: EngineGate,
  added: ReadonlyMap<string, AddedOperation>,
): (request: IncomingMessage, response: ServerResponse) => void {
  const answerTo = async (request: IncomingMessage, body: Buffer): Promise<{ answer: Answer; contentType?: string }> => {
    const envelope = readEnvelope(request.method ?? 'POST', request.url ?? '/', request.headers, body);
    if ('status' in envelope) return { answer: envelope };
    const { operation, contentType } = envelope;
    const broken = requestLimitBreak(envelope.request);
    if (broken) return { answer: validationAnswer(broken), contentType };
    const own = added.get(operation);
    const answer = own ? await own(envelope.request) : await runDynalite(dynalite, gate, operation, envelope.request);
    return { answer, contentType };
  };

  return (request, response) => {
    if (!gate.open) {
      request.resume();
      return send(response, CLOSING);
    }
    const release = gate.hold();
    response.on('finish', release);
    response.on('close', release);
    // A client gone before its body ended: nothing reached the database, nothing to answer.
    request.on('error', release);
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_REQUEST_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        send(response, { status: 413, text: '' });
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (length > MAX_REQUEST_BYTES) return;
      // As dynalite: a browser's request (with Origin) may read every answer.
      const cors: Record<string, string> = request.headers.origin ? { 'Access-Control-Allow-Origin': '*' } : {};
      answerTo(request, Buffer.concat(chunks))
        .then(({ answer, contentType }) => send(response, { ...answer, headers: { ...cors, ...answer.headers } }, contentType))
        .catch((error: Error) => send(response, errorAnswer(error)));
    });
  };
}
