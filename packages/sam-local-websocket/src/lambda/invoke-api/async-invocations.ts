import { randomUUID } from 'node:crypto';
import type { Outcome } from '../container-protocol.js';
import { DEFAULT_MAXIMUM_EVENT_AGE_SECONDS, DEFAULT_MAXIMUM_RETRY_ATTEMPTS } from './constants.js';

/** A function's `EventInvokeConfig`, resolved: how often to retry, where failures go. */
export interface AsyncSettings {
  maximumRetryAttempts: number;
  /** How long an event may wait for its first or next attempt; older, it is discarded as expired. */
  maximumEventAgeSeconds: number;
  /** ARN of the `OnFailure` destination, when there is one. */
  onFailure?: string;
}

/**
 * The record Lambda sends an on-failure destination (its documented invocation record). An
 * event discarded for its age has the condition `EventAgeExceeded`; what Lambda puts in such a
 * record's response fields is not documented, so locally an event that never ran has none, and
 * one that ran and failed before expiring keeps its last error.
 */
export interface DestinationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetriesExhausted' | 'EventAgeExceeded'; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext?: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload?: { errorType: string; errorMessage: string };
}

/** An asynchronous invocation that failed every attempt: what the gateway reports. */
export interface AsyncFailure {
  function: string;
  /** The on-failure destination the record went to; absent without one (the event is dropped). */
  destination?: string;
  record: DestinationRecord;
}

/** Reads `EventInvokeConfig` (intrinsics already resolved) with Lambda's defaults. */
export function asyncSettingsOf(config: { MaximumRetryAttempts?: unknown; MaximumEventAgeInSeconds?: unknown; onFailure?: string } | undefined): AsyncSettings {
  const retries = config?.MaximumRetryAttempts;
  const age = config?.MaximumEventAgeInSeconds;
  return {
    maximumRetryAttempts: retries === undefined ? DEFAULT_MAXIMUM_RETRY_ATTEMPTS : Number(retries),
    maximumEventAgeSeconds: age === undefined ? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS : Number(age),
    onFailure: config?.onFailure,
  };
}

/**
 * Runs an asynchronous invocation as Lambda's event queue does: attempts it, retries a
 * failure up to `maximumRetryAttempts` times (at once, where Lambda waits about 1 and then 2
 * minutes), and hands the last failure's record to `fail`. An attempt that has not started
 * `maximumEventAgeSeconds` after the event was accepted (all containers busy) is not made: the
 * event is discarded as `EventAgeExceeded`. `invoke` gets the time by which its attempt must
 * start. Resolves when it is done.
 */
export async function runAsync(
  invoke: (startBy: number) => Promise<Outcome>,
  target: { function: string; functionArn: string; payload: unknown; settings: AsyncSettings },
  fail: (failure: AsyncFailure) => void,
  acceptedAt: number = Date.now(),
): Promise<void> {
  const attempts = 1 + target.settings.maximumRetryAttempts;
  const startBy = acceptedAt + target.settings.maximumEventAgeSeconds * 1000;
  let failed: Extract<Outcome, { ok: false }> | undefined;
  let made = 0;
  let expired = false;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const outcome = await invoke(startBy);
    if (outcome.ok) return;
    if (outcome.expired) {
      expired = true;
      break;
    }
    made++;
    failed = outcome;
  }
  const requestId = failed?.requestId ?? randomUUID();
  fail({
    function: target.function,
    destination: target.settings.onFailure,
    record: {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId,
        functionArn: `${target.functionArn}:$LATEST`,
        condition: expired ? 'EventAgeExceeded' : 'RetriesExhausted',
        approximateInvokeCount: made,
      },
      requestPayload: target.payload,
      ...(failed
        ? {
            responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' } as const,
            responsePayload: { errorType: failed.error.name, errorMessage: failed.error.message },
          }
        : {}),
    },
  });
}
