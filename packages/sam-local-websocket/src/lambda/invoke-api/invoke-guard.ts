/**
 * IAM's check of Lambda's `Invoke` API: every call must be SigV4-signed for `lambda`; a
 * function's call needs `lambda:InvokeFunction` on the invoked function's ARN.
 */
import type { IncomingMessage } from 'node:http';
import type { LocalIam } from '../../iam/authority.js';
import { IAM_ERRORS, INVOKE_FUNCTION, SIGNATURE_MISMATCH_MESSAGE } from '../../iam/constants.js';
import { guard } from '../../iam/guard.js';

/** How a refused `Invoke` is answered: Lambda's error type, status and message. */
export interface InvokeRefusal {
  type: string;
  status: number;
  message: string;
}

/** Checks one `Invoke` request (its body already read): undefined when it may go on. */
export type InvokeGuard = (request: IncomingMessage, body: Buffer, functionArn: string, action?: string) => Promise<InvokeRefusal | undefined>;

/** The `Invoke` guard of a local IAM. */
export function invokeGuard(iam: LocalIam): InvokeGuard {
  return async (request, body, functionArn, action = INVOKE_FUNCTION) => {
    const received = { method: request.method ?? 'POST', url: request.url ?? '/', headers: request.headers, body };
    const result = await guard(iam, received, 'lambda', { error: IAM_ERRORS.accessDenied, status: 403 }, 403, () => [{ action, resource: functionArn }]);
    if (result.allowed) return undefined;
    const { refusal } = result;
    iam.refused(refusal);
    const message =
      refusal.message ??
      (refusal.error === IAM_ERRORS.invalidSignature
        ? SIGNATURE_MISMATCH_MESSAGE
        : refusal.error === IAM_ERRORS.missingToken
          ? 'Missing Authentication Token'
          : `User: ${iam.principalArn(refusal.function!)} is not authorized to perform: ${action} on resource: ${functionArn} because ${refusal.reason === 'explicit deny' ? 'of an explicit deny in an identity-based policy' : `no identity-based policy allows the ${action} action`}`);
    return { type: refusal.error, status: refusal.status, message };
  };
}
