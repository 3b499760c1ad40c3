/**
 * The check every guarded request goes through: who signed it, then whether that function's
 * policy allows each action it asks for. Each service answers a refusal in its own shape.
 */
import type { LocalIam } from './authority.js';
import { IAM_ERRORS, type IamError } from './constants.js';
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
  const check = await iam.signatures.check(request, iam.secretOf);
  if (check.kind === 'unsigned') {
    return refuse(service, { error: IAM_ERRORS.missingToken, status: signatureStatus, reason: 'the request is not signed' });
  }
  if (check.kind === 'foreign') return { allowed: true, caller: { kind: 'administrator' } };
  const logicalId = iam.functionOf(check.accessKeyId)!;
  if (check.kind === 'invalid' || check.service !== service) {
    const reason = check.kind === 'invalid' ? check.reason : `the credential is scoped to ${check.service}, not ${service}`;
    return refuse(service, { function: logicalId, error: IAM_ERRORS.invalidSignature, status: signatureStatus, reason });
  }
  for (const { action, resource } of accessesOf()) {
    const decision = iam.decide(logicalId, action, resource);
    if (decision === 'allowed') continue;
    const reason = decision === 'explicitDeny' ? 'explicit deny' : 'no identity-based policy allows it';
    return refuse(service, { function: logicalId, action, resource, error: denied.error, status: denied.status, reason });
  }
  return { allowed: true, caller: { kind: 'function', logicalId } };
}
