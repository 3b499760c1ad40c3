/** The console lines the gateway prints for its invocations, and the hooks that hear of them. */
import { invocationLine, type InvocationOutcome } from '../api-gateway/invocation-outcome.js';
import type { AsyncFailure } from '../lambda/invoke-api/async-invocations.js';
import type { InvokeApiOutcome } from '../lambda/invoke-api/invoke-api.js';
import type { GatewayOptions } from './options.js';

/** Every invocation goes to the console line and to the caller's hook. */
export function reporter(options: GatewayOptions): (outcome: InvocationOutcome) => void {
  return (outcome) => {
    options.log(invocationLine(outcome));
    options.onInvocation?.(outcome);
  };
}

/** The console line of an Invoke API invocation: function, type, result, time. */
export function invokeLine(outcome: InvokeApiOutcome): string {
  const result = outcome.error ? `${outcome.error.name}: ${outcome.error.message}` : 'ok';
  return `${outcome.function.padEnd(12)} ${outcome.invocationType}  ${result}  ${outcome.durationMs} ms`;
}

/** The console line of an asynchronous invocation that failed every attempt (or expired), and where its record went. */
export function asyncFailureLine(failure: AsyncFailure): string {
  const { condition, approximateInvokeCount: attempts } = failure.record.requestContext;
  const last = failure.record.responsePayload;
  const why = condition === 'EventAgeExceeded' ? `expired (waited past its maximum age) after ${attempts} attempt(s)` : `failed after ${attempts} attempt(s)`;
  return `${failure.function}  async invocation ${why}${last ? `: ${last.errorType}: ${last.errorMessage}` : ''}; record sent to ${failure.destination ?? 'no destination (dropped)'}`;
}
