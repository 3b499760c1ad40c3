/**
 * The local IAM: every function gets credentials of its own (an access key id naming it, a
 * secret made for this run) and is held to its template policy. Calls signed with any other
 * credentials are a developer's (the aws CLI, Postman, tests) and are allowed, as an
 * administrator's would be.
 */
import { randomBytes } from 'node:crypto';
import type { FunctionCredentials } from '../shared/credentials.js';
import { FUNCTION_KEY_PREFIX, IAM_MODES, type IamMode } from './constants.js';
import { PolicyEvaluator, type Decision, type PolicyStatement } from './evaluate.js';
import type { IamRefusal } from './refusal.js';
import { SignatureVerifier } from './signature.js';

/** Where the local IAM lives: what ARNs and principals carry. */
export interface IamScope {
  partition: string;
  region: string;
  accountId: string;
}

/** The local IAM of one gateway run. */
export class LocalIam {
  private readonly secrets = new Map<string, { logicalId: string; secretAccessKey: string }>();
  /** Checks the signatures of this run's calls, keeping their signing keys for the run. */
  readonly signatures = new SignatureVerifier();
  private readonly evaluator = new PolicyEvaluator();

  constructor(
    readonly mode: IamMode,
    readonly scope: IamScope,
    private readonly policies: ReadonlyMap<string, readonly PolicyStatement[]>,
    private readonly report: (refusal: IamRefusal) => void,
  ) {
    for (const logicalId of policies.keys()) {
      this.secrets.set(`${FUNCTION_KEY_PREFIX}${logicalId}`, { logicalId, secretAccessKey: randomBytes(30).toString('base64') });
    }
  }

  get enforced(): boolean {
    return this.mode === IAM_MODES.enforce;
  }

  /** The credentials a function's environment carries. */
  credentialsOf(logicalId: string): FunctionCredentials {
    const accessKeyId = `${FUNCTION_KEY_PREFIX}${logicalId}`;
    const issued = this.secrets.get(accessKeyId);
    if (!issued) throw new Error(`no credentials were issued for ${logicalId}`);
    return { accessKeyId, secretAccessKey: issued.secretAccessKey };
  }

  /** The secret of a key id this run issued; undefined for anyone else's. */
  secretOf = (accessKeyId: string): string | undefined => this.secrets.get(accessKeyId)?.secretAccessKey;

  /** The function a key id this run issued belongs to. */
  functionOf(accessKeyId: string): string | undefined {
    return this.secrets.get(accessKeyId)?.logicalId;
  }

  /** What IAM decides for a function's action on a resource. */
  decide(logicalId: string, action: string, resource: string): Decision {
    return this.evaluator.evaluate(this.policies.get(logicalId) ?? [], action, resource);
  }

  /** The principal a function's calls run as: its execution role's session. */
  principalArn(logicalId: string): string {
    return `arn:${this.scope.partition}:sts::${this.scope.accountId}:assumed-role/${logicalId}Role/${logicalId}`;
  }

  /** A resource ARN in this account and region, e.g. `arnOf('dynamodb', 'table/x')`. */
  arnOf(service: string, resource: string): string {
    return `arn:${this.scope.partition}:${service}:${this.scope.region}:${this.scope.accountId}:${resource}`;
  }

  /** Reports a refusal once, to the hook and the console. */
  refused(refusal: IamRefusal): void {
    this.report(refusal);
  }
}
