import { foreignKeysAccepted, LocalIam } from '../iam/authority.js';
import { functionPolicy } from '../iam/policy.js';
import { refusalLine } from '../iam/refusal.js';
import { ACCOUNT_ID } from '../lambda/functions.js';
import type { LocalValues } from '../template/intrinsics.js';
import type { GatewayOptions } from './options.js';
import type { ServedApi } from './served-api.js';

/** The local IAM: each function's template policy; what cannot be applied is logged once, at start. */
export function localIam(options: GatewayOptions, served: ServedApi, functionIds: string[], templateValues: LocalValues) {
  // The stage served is what the template's StageName stands for, also when --stage chose it.
  const stage: Record<string, string> = served.template.Parameters?.StageName ? { StageName: served.stage } : {};
  const values: LocalValues = { ...templateValues, refs: { ...templateValues.refs, ...stage } };
  const warnings: string[] = [];
  const policies = new Map(
    functionIds.map((logicalId) => {
      const policy = functionPolicy(served.template, logicalId, values);
      warnings.push(...policy.warnings);
      return [logicalId, policy.statements] as const;
    }),
  );
  const scope = { partition: values.refs['AWS::Partition'], region: options.region, accountId: ACCOUNT_ID };
  const iam = new LocalIam(
    options.iam,
    scope,
    policies,
    (refusal) => {
      options.log(refusalLine(refusal));
      options.onRefusal?.(refusal);
    },
    foreignKeysAccepted(options.host, options.allowAdminKeys),
    options.log,
  );
  if (iam.enforced) for (const warning of warnings) options.log(`iam warning: ${warning}`);
  return { iam, warnings: iam.enforced ? warnings : [] };
}
