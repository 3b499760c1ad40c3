/**
 * A WebSocket integration's `TimeoutInMillis`: "Custom timeout between 50 and 29,000
 * milliseconds for WebSocket APIs … The default timeout is 29 seconds for WebSocket APIs"
 * (CloudFormation `AWS::ApiGatewayV2::Integration`, API Gateway quotas: not increasable for
 * WebSocket APIs). A value outside the range is refused when the gateway starts, as a deploy
 * would fail (CloudFormation's own error text for it is not documented).
 */
import { TemplateError } from '../errors.js';
import { resolveIntrinsic, type LocalValues } from './intrinsics.js';

/** The WebSocket integration timeout's range and default, ms. */
export const INTEGRATION_TIMEOUT_MS = { min: 50, max: 29_000, default: 29_000 } as const;

/** No template values: a literal TimeoutInMillis only. */
const NO_VALUES: LocalValues = {
  refs: {},
  getAtt: (logicalId, attribute) => {
    throw new TemplateError(`!GetAtt ${logicalId}.${attribute} has no local value here`);
  },
};

/** The integration timeout of a route, ms: its `TimeoutInMillis` (intrinsics resolved), or the default. */
export function integrationTimeoutMs(raw: unknown, routeKey: string, values: LocalValues = NO_VALUES): number {
  if (raw === undefined) return INTEGRATION_TIMEOUT_MS.default;
  let value: string;
  try {
    value = resolveIntrinsic(raw, values);
  } catch (error) {
    throw new TemplateError(`route ${routeKey}: TimeoutInMillis: ${(error as Error).message}`, { cause: error });
  }
  const ms = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(ms) || ms < INTEGRATION_TIMEOUT_MS.min || ms > INTEGRATION_TIMEOUT_MS.max) {
    throw new TemplateError(
      `route ${routeKey}: TimeoutInMillis must be a whole number of milliseconds between ${INTEGRATION_TIMEOUT_MS.min} and ${INTEGRATION_TIMEOUT_MS.max} for a WebSocket API, got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}
