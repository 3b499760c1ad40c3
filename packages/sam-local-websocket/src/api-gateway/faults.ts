import { OptionError } from '../errors.js';
import { sleep } from '../shared/time.js';
import { sendError, type ManagementHooks } from './connections-api.js';

/** Faults to inject into the local `@connections` API, to see how handlers cope. */
export interface ConnectionsFaults {
  /** Added to every `@connections` call, in ms (models AWS's tens of ms). Default 0. */
  latencyMs: number;
  /** Share of calls (0..1) answered with `failureStatus` instead. Default 0. */
  failureRate: number;
  /** The status of a failed call: 429, 500, 403 or 410. Default 500. */
  failureStatus: number;
}

export const DEFAULT_FAULTS: ConnectionsFaults = { latencyMs: 0, failureRate: 0, failureStatus: 500 };

/** The error type header SDK v3 maps each status to. */
const ERROR_TYPES: Record<number, string> = {
  403: 'ForbiddenException',
  410: 'GoneException',
  429: 'LimitExceededException',
  500: 'InternalServerErrorException',
};

/** The statuses a failed call can be given (`--connections-failure-status`). */
export const FAILURE_STATUSES = Object.keys(ERROR_TYPES).map(Number);

/** `@connections` hooks that add latency and fail a share of calls. */
export function faultHooks(overrides: Partial<ConnectionsFaults>, random: () => number = Math.random): ManagementHooks {
  const faults = { ...DEFAULT_FAULTS, ...overrides };
  const type = ERROR_TYPES[faults.failureStatus];
  if (!type) throw new OptionError(`failure status must be one of ${FAILURE_STATUSES.join(', ')}`);
  if (!(faults.failureRate >= 0 && faults.failureRate <= 1)) throw new OptionError('failure rate must be between 0 and 1');
  if (faults.latencyMs === 0 && faults.failureRate === 0) return {};
  return {
    beforeCall: async (_method, _connectionId, request, response) => {
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (random() >= faults.failureRate) return false;
      request.resume();
      sendError(response, { status: faults.failureStatus, type, message: `injected fault: ${type}` });
      return true;
    },
  };
}
