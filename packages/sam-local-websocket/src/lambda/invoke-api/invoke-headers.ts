/**
 * The Invoke API's request headers as Lambda checks them: `X-Amz-Log-Type` (`None` or `Tail`)
 * and `X-Amz-Client-Context` (base64 of a JSON object, at most 3,583 bytes). Lambda's answer to
 * a malformed client context is documented by its own message ("Client context must be a valid
 * Base64-encoded JSON object.", InvalidRequestContentException, as the Rust SDK's tests against
 * real Lambda show); its answer to an unknown log type is not documented: the twin answers the
 * service model's enum constraint as a `ValidationException`, as AWS's other enum checks read.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { INVOKE_ERRORS, INVOKE_LIMITS } from './constants.js';
import { validationError, type LambdaRefusal } from './function-name.js';

export const LOG_TYPES = { none: 'None', tail: 'Tail' } as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** What the headers ask for: whether to return the log's tail. A {@link LambdaRefusal} when a header is malformed. */
export function readInvokeHeaders(headers: IncomingHttpHeaders): { tail: boolean } | LambdaRefusal {
  const logType = headers['x-amz-log-type'];
  if (logType !== undefined && logType !== LOG_TYPES.none && logType !== LOG_TYPES.tail) {
    return validationError(String(logType), 'logType', 'Member must satisfy enum value set: [Tail, None]');
  }
  const clientContext = headers['x-amz-client-context'];
  if (clientContext !== undefined && !isClientContext(String(clientContext))) {
    return { ...INVOKE_ERRORS.invalidContent, message: 'Client context must be a valid Base64-encoded JSON object.' };
  }
  return { tail: logType === LOG_TYPES.tail };
}

/** Base64 (at most the documented 3,583 bytes) of a JSON object. */
function isClientContext(value: string): boolean {
  if (value.length > INVOKE_LIMITS.maxClientContextBytes || value.length % 4 !== 0 || !BASE64.test(value)) return false;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/**
 * `X-Amz-Log-Result`: the last 4 KB of the invocation's log, base64, as Lambda returns it for
 * `LogType: Tail` (cut at a character boundary, so the tail is valid UTF-8).
 */
export function logResult(lines: string[]): string {
  const log = Buffer.from(lines.map((line) => `${line}\n`).join(''));
  let tail = log.subarray(Math.max(0, log.length - INVOKE_LIMITS.logTailBytes));
  // Skip continuation bytes of a character cut in two.
  let start = 0;
  while (start < tail.length && (tail[start] & 0xc0) === 0x80) start++;
  tail = tail.subarray(start);
  return tail.toString('base64');
}
