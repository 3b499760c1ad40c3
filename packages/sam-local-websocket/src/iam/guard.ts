/**
 * The check every guarded request goes through: who signed it, then whether that function's
 * policy allows each action it asks for. Each service answers a refusal in its own shape.
 */
import type { LocalIam } from './authority.js';
import { IAM_ERRORS, SIGNATURE_WINDOW_MINUTES, UNRECOGNIZED_CLIENT_MESSAGE, type IamError } from './constants.js';
import type { ReceivedRequest } from './signature.js';
import type { IamRefusal } from './refusal.js';

/** One action on one resource that a request asks for. */
export interface Access {
  action: string;
  resource: string;
}

/** Whom a guarded request was let through as. */
export type Caller = { kind: 'function'; logicalId: string } | { kind: 'administrator' };

/** Let through as a caller, or refused (the refusal says how to answer). */
export type GuardResult = { allowed: true; caller: Caller } | { allowed: false; refusal: IamRefusal };

function refuse(service: IamRefusal['service'], refusal: Omit<IamRefusal, 'service'>): GuardResult {
  return { allowed: false, refusal: { service, ...refusal } };
}

/** Checks a request against the local IAM. `accessesOf` reads what it asks for, after the signature held. */
export async function guard(
  iam: LocalIam,
  request: ReceivedRequest,
  service: IamRefusal['service'],
  denied: { error: IamError; status: number },
  signatureStatus: number,
  accessesOf: () => Access[],
): Promise<GuardResult> {
  const check = await iam.signatures.check(request, iam.secretOf, { windowMinutes: SIGNATURE_WINDOW_MINUTES[service] });
  if (check.kind === 'unsigned') {
    return refuse(service, { error: IAM_ERRORS.missingToken, status: signatureStatus, reason: 'the request is not signed' });
  }
  if (check.kind === 'foreign') {
    if (iam.acceptsForeignKeys) return { allowed: true, caller: { kind: 'administrator' } };
    // Off loopback, a key the twin did not issue is refused, as AWS refuses a key it does not know.
    return refuse(service, {
      error: IAM_ERRORS.unrecognizedClient,
      status: signatureStatus,
      reason: 'an access key this gateway did not issue (administrator keys are off on this host)',
      message: UNRECOGNIZED_CLIENT_MESSAGE,
    });
  }
  const logicalId = iam.functionOf(check.accessKeyId);
  if (check.kind === 'invalid') {
    return refuse(service, {
      ...(logicalId ? { function: logicalId } : {}),
      error: IAM_ERRORS.invalidSignature,
      status: signatureStatus,
      reason: check.reason,
      ...(check.message ? { message: check.message } : {}),
    });
  }
  // Valid: a key this run issued, so a function's.
  const fn = logicalId as string;
  if (check.service !== service) {
    // AWS's words, with their trailing space.
    const message = `Credential should be scoped to correct service: '${service}'. `;
    return refuse(service, {
      function: fn,
      error: IAM_ERRORS.invalidSignature,
      status: signatureStatus,
      reason: `the credential is scoped to ${check.service}, not ${service}`,
      message,
    });
  }
  // On AWS a call signed for another region reaches that region's resources: allowed here, with a warning.
  if (check.region !== iam.scope.region) iam.warnRegion(fn, service, check.region);
  for (const { action, resource } of accessesOf()) {
    const decision = iam.decide(fn, action, resource);
    if (decision === 'allowed') continue;
    const reason = decision === 'explicitDeny' ? 'explicit deny' : 'no identity-based policy allows it';
    return refuse(service, { function: fn, action, resource, error: denied.error, status: denied.status, reason });
  }
  return { allowed: true, caller: { kind: 'function', logicalId: fn } };
}
