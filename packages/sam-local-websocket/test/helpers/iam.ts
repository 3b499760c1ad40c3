import { LocalIam, type IamScope } from '../../src/iam/authority.js';
import type { PolicyStatement } from '../../src/iam/evaluate.js';
import type { IamRefusal } from '../../src/iam/refusal.js';

/** A local IAM that enforces, and every refusal it reported. */
export interface RecordingIam {
  iam: LocalIam;
  refusals: IamRefusal[];
}

/** An enforcing local IAM with `policies` by function (fresh secrets each call), keeping what it refuses. */
export function recordingIam(
  policies: ReadonlyMap<string, readonly PolicyStatement[]>,
  scope: IamScope = { partition: 'aws', region: 'us-east-1', accountId: '000000000000' },
): RecordingIam {
  const refusals: IamRefusal[] = [];
  return { refusals, iam: new LocalIam('enforce', scope, policies, (refusal) => refusals.push(refusal)) };
}
