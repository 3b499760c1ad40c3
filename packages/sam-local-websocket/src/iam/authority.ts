/**
 * The local IAM: every function gets credentials of its own (an access key id naming it, a
 * secret made for this run) and is held to its template policy. Calls signed with any other
 * credentials are a developer's (the aws CLI, Postman, tests) and are allowed, as an
 * administrator's would be, on a loopback host; on any other host only with `--allow-admin-keys`,
 * else refused with `UnrecognizedClientException`.
 */
import { randomBytes } from 'node:crypto';
import type { FunctionCredentials } from '../shared/credentials.js';
import { FUNCTION_KEY_PREFIX, IAM_MODES, type IamMode } from './constants.js';
import { PolicyEvaluator, type Decision, type PolicyStatement } from './evaluate.js';
import type { IamRefusal } from './refusal.js';
import { SignatureVerifier } from './signature.js';

/** Hosts that only this machine reaches. */
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/** True when `host` is reached from this machine only (127.0.0.0/8, ::1, localhost); `0.0.0.0` and `::` are every interface. */
export const isLoopbackHost = (host: string): boolean => LOOPBACK.test(host.replace(/^\[|\]$/g, ''));

/**
 * Whether keys the twin did not issue count as an administrator's: always on a loopback host
 * (a developer's own machine), and on any other host only when `allowAdminKeys` says so.
 */
export const foreignKeysAccepted = (host: string, allowAdminKeys: boolean): boolean => isLoopbackHost(host) || allowAdminKeys;

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
    /**
     * Whether a key id the twin did not issue is an administrator's (a developer's own CLI): yes
     * on a loopback host, and elsewhere only when asked for ({@link foreignKeysAccepted}).
     */
    readonly acceptsForeignKeys: boolean = true,
    /** Where warnings go (a function signing for another region). */
    private readonly warn: (line: string) => void = () => {},
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

  private readonly warnedRegions = new Set<string>();

  /** Warns once per function, service and region that a function signed for a region other than the twin's. */
  warnRegion(logicalId: string, service: string, region: string): void {
    const key = `${logicalId}/${service}/${region}`;
    if (this.warnedRegions.has(key) || this.warnedRegions.size >= 1000) return;
    this.warnedRegions.add(key);
    this.warn(
      `iam warning: ${logicalId} signed a ${service} call for region ${region}, not this twin's ${this.scope.region}: on AWS it would reach ${region}'s resources (allowed locally)`,
    );
  }

  /** Reports a refusal once, to the hook and the console. */
  refused(refusal: IamRefusal): void {
    this.report(refusal);
  }
}
