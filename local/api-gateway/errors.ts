import { LocalError } from '../../tooling/errors.js';

/** The local API Gateway met a state it cannot serve (e.g. a route whose function is not running). */
export class GatewayError extends LocalError {
  override name = 'GatewayError' as const;
}
