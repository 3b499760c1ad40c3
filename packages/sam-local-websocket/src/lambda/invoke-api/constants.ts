/**
 * What the local Lambda Invoke API emulates, in one place (the Lambda API reference, Invoke):
 * its path, invocation types, payload limits, error names and the async retry default.
 */

/** `POST /2015-03-31/functions/{FunctionName}/invocations` */
export const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export const INVOCATION_TYPES = { requestResponse: 'RequestResponse', event: 'Event', dryRun: 'DryRun' } as const;

export const INVOKE_LIMITS = {
  /** Largest synchronous request payload (6 MB). */
  maxSyncPayloadBytes: 6 * 1024 * 1024,
  /** Largest asynchronous request payload (1 MB since October 2025; 256 KB before). */
  maxAsyncPayloadBytes: 1024 * 1024,
  /**
   * Largest synchronous response: a bigger one fails the invocation with `Function.ResponseSizeTooLarge`
   * (the figure Lambda's runtime interface emulator and real answers quote: 6 MB + 100 bytes).
   */
  maxResponseBytes: 6 * 1024 * 1024 + 100,
  /** Longest `X-Amz-Client-Context` (base64 of a JSON object), per the Invoke API reference. */
  maxClientContextBytes: 3583,
  /** How much of the invocation's log `LogType: Tail` returns in `X-Amz-Log-Result` (base64 of the last 4 KB). */
  logTailBytes: 4 * 1024,
} as const;

/** Lambda retries a failed asynchronous invocation twice unless EventInvokeConfig says otherwise. */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;

/** Lambda keeps an asynchronous event up to 6 hours unless EventInvokeConfig says otherwise (60 to 21,600 s). */
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21_600;

/** The errors the Invoke API answers with (`x-amzn-ErrorType`), with their HTTP status. */
export const INVOKE_ERRORS = {
  notFound: { type: 'ResourceNotFoundException', status: 404 },
  invalidParameter: { type: 'InvalidParameterValueException', status: 400 },
  invalidContent: { type: 'InvalidRequestContentException', status: 400 },
  validation: { type: 'ValidationException', status: 400 },
  throttled: { type: 'TooManyRequestsException', status: 429 },
  tooLarge: { type: 'RequestTooLargeException', status: 413 },
  notAllowed: { type: 'AccessDeniedException', status: 403 },
} as const;
