import type { Outcome } from '../invoker.js';
import { DEFAULT_MAXIMUM_RETRY_ATTEMPTS } from './constants.js';

/** A function's `EventInvokeConfig`, resolved: how often to retry, where failures go. */
export interface AsyncSettings {
  maximumRetryAttempts: number;
  /** ARN of the `OnFailure` destination, when there is one. */
  onFailure?: string;
}

/** The record Lambda sends an on-failure destination (its documented invocation record). */
export interface DestinationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetriesExhausted'; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload: { errorType: string; errorMessage: string };
}

/** An asynchronous invocation that failed every attempt: what the gateway reports. */
export interface AsyncFailure {
  function: string;
  /** The on-failure destination the record went to; absent without one (the event is dropped). */
  destination?: string;
  record: DestinationRecord;
}

/** Reads `EventInvokeConfig` (intrinsics already resolved) with Lambda's defaults. */
export function asyncSettingsOf(config: { MaximumRetryAttempts?: unknown; onFailure?: string } | undefined): AsyncSettings {
  const retries = config?.MaximumRetryAttempts;
  return {
    maximumRetryAttempts: retries === undefined ? DEFAULT_MAXIMUM_RETRY_ATTEMPTS : Number(retries),
    onFailure: config?.onFailure,
  };
}

/**
 * Runs an asynchronous invocation as Lambda's event queue does: attempts it, retries a
 * failure up to `maximumRetryAttempts` times (at once, where Lambda waits about 1 and then 2
 * minutes), and hands the last failure's record to `fail`. Resolves when it is done.
 */
export async function runAsync(
  invoke: () => Promise<Outcome>,
  target: { function: string; functionArn: string; payload: unknown; settings: AsyncSettings },
  fail: (failure: AsyncFailure) => void,
): Promise<void> {
  const attempts = 1 + target.settings.maximumRetryAttempts;
  let outcome: Outcome | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    outcome = await invoke();
    if (outcome.ok) return;
  }
  const failed = outcome as Extract<Outcome, { ok: false }>;
  fail({
    function: target.function,
    destination: target.settings.onFailure,
    record: {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId: failed.requestId, functionArn: `${target.functionArn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: attempts },
      requestPayload: target.payload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: failed.error.name, errorMessage: failed.error.message },
    },
  });
}
