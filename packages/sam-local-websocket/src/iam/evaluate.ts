/**
 * IAM's evaluation of identity-based policies, as far as the local gateway emulates it: an
 * explicit `Deny` wins, then any `Allow`; everything else is denied. `Action` matches without
 * regard to case, `Resource` with it; both take the `*` and `?` wildcards.
 */

/** One policy statement with its intrinsics resolved. */
export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  /** e.g. `dynamodb:PutItem`, `dynamodb:*`, `*`. */
  actions: string[];
  /** ARNs, possibly with wildcards. */
  resources: string[];
}

/** The decision for one action on one resource. */
export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

/**
 * Evaluates policies, compiling each pattern's regular expression once for its own life (one
 * per local IAM): a pure function of the pattern and the flags, so reusing it cannot change a
 * decision. Patterns come from the template's policies (a bounded set).
 */
export class PolicyEvaluator {
  private readonly compiled = new Map<string, RegExp>();

  /** True when `value` matches `pattern`, where `*` stands for any run of characters and `?` for one. */
  matches(pattern: string, value: string, ignoreCase = false): boolean {
    return this.regExpOf(pattern, ignoreCase).test(value);
  }

  /** Evaluates `action` on `resource` against a principal's statements, as IAM does. */
  evaluate(statements: readonly PolicyStatement[], action: string, resource: string): Decision {
    const matching = statements.filter((statement) => this.applies(statement, action, resource));
    if (matching.some((statement) => statement.effect === 'Deny')) return 'explicitDeny';
    return matching.length > 0 ? 'allowed' : 'implicitDeny';
  }

  private applies(statement: PolicyStatement, action: string, resource: string): boolean {
    return statement.actions.some((pattern) => this.matches(pattern, action, true)) && statement.resources.some((pattern) => this.matches(pattern, resource));
  }

  private regExpOf(pattern: string, ignoreCase: boolean): RegExp {
    const flags = ignoreCase ? 'is' : 's';
    const id = `${flags}:${pattern}`;
    let regExp = this.compiled.get(id);
    if (!regExp) {
      const source = pattern
        .split('')
        .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
      regExp = new RegExp(`^${source}$`, flags);
      this.compiled.set(id, regExp);
    }
    return regExp;
  }
}
