/**
 * Resolves the CloudFormation intrinsics a function's environment may use (Ref, Fn::GetAtt,
 * Fn::Sub, Fn::Join, Fn::Select, Fn::If is not supported) to local values.
 */

/** What names mean locally. */
export interface LocalValues {
  /** Parameter values, and pseudo parameters such as `AWS::Region`. */
  refs: Record<string, string>;
  /** `Fn::GetAtt` of a resource attribute, e.g. a table's Arn. */
  getAtt: (logicalId: string, attribute: string) => string;
}

export class UnsupportedIntrinsicError extends Error {
  override name = 'UnsupportedIntrinsicError' as const;
}

function ref(name: string, values: LocalValues): string {
  const value = values.refs[name];
  if (value === undefined) throw new UnsupportedIntrinsicError(`Ref ${name} has no local value`);
  return value;
}

function sub(template: string, variables: Record<string, string>, values: LocalValues): string {
  return template.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    if (name in variables) return variables[name];
    const dot = name.indexOf('.');
    return dot > 0 ? values.getAtt(name.slice(0, dot), name.slice(dot + 1)) : ref(name, values);
  });
}

/** Resolves `value` to a string, as CloudFormation would for an environment variable. */
export function resolveIntrinsic(value: unknown, values: LocalValues): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UnsupportedIntrinsicError(`cannot resolve ${JSON.stringify(value)}`);
  }
  const [[fn, argument]] = Object.entries(value) as [string, any][];
  switch (fn) {
    case 'Ref':
      return ref(argument, values);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
      return values.getAtt(logicalId, attribute);
    }
    case 'Fn::Sub': {
      if (typeof argument === 'string') return sub(argument, {}, values);
      const [template, variables = {}] = argument as [string, Record<string, unknown>];
      const resolved = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolveIntrinsic(v, values)]));
      return sub(template, resolved, values);
    }
    case 'Fn::Join': {
      const [separator, items] = argument as [string, unknown[]];
      return items.map((item) => resolveIntrinsic(item, values)).join(separator);
    }
    case 'Fn::Select': {
      const [index, items] = argument as [number | string, unknown[]];
      return resolveIntrinsic(items[Number(index)], values);
    }
    default:
      throw new UnsupportedIntrinsicError(`${fn} is not supported locally`);
  }
}
