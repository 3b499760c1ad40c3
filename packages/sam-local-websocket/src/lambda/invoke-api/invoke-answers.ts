/** How the Invoke API answers: a synchronous invocation's body, Lambda's errors and throttling. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Outcome } from '../container-protocol.js';
import { INVOKE_ERRORS, INVOKE_LIMITS } from './constants.js';
import type { LambdaRefusal } from './function-name.js';

/** A synchronous invocation's answer body: the result as JSON, or Lambda's error object. */
export function syncAnswer(outcome: Outcome): { body: string; functionError: boolean } {
  const error = (errorType: string, errorMessage: string) => ({ body: JSON.stringify({ errorType, errorMessage, trace: [] }), functionError: true });
  if (!outcome.ok) return error(outcome.error.name, outcome.error.message);
  let body: string;
  try {
    body = JSON.stringify(outcome.result ?? null);
  } catch (failure) {
    return error('Runtime.MarshalError', `Unable to marshal response: ${(failure as Error).message}`);
  }
  const size = Buffer.byteLength(body);
  if (size > INVOKE_LIMITS.maxResponseBytes) {
    return error(
      'Function.ResponseSizeTooLarge',
      `Response payload size (${size} bytes) exceeded maximum allowed payload size (${INVOKE_LIMITS.maxResponseBytes} bytes).`,
    );
  }
  return { body, functionError: false };
}

/** Lambda's throttling error (429): the SDK retries it. */
export function throttled(why: string): LambdaRefusal & { reason: string } {
  return { ...INVOKE_ERRORS.throttled, message: `Rate Exceeded. (${why})`, reason: 'ConcurrentInvocationLimitExceeded' };
}

export function answerJson(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Answers as Lambda's REST-JSON API does: the error's type in `x-amzn-ErrorType` and the body. */
export function refuse(response: ServerResponse, error: LambdaRefusal & { reason?: string }, request?: IncomingMessage): void {
  request?.resume();
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-errortype': error.type };
  if (error.status === 429) headers['retry-after'] = '1';
  response.writeHead(error.status, headers);
  response.end(JSON.stringify({ Type: 'User', message: error.message, ...(error.reason ? { Reason: error.reason } : {}) }));
}
