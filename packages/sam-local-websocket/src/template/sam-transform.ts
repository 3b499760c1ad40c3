/**
 * The pieces of SAM's transform that its resources share (aws-sam-translator 1.110): the Globals
 * merge (`plugins/globals/globals.py`), the parameter references it resolves before generating
 * resources (`resolve_parameter_refs`), and the unset properties it leaves out.
 */
import type { Template } from './template.js';

// biome-ignore lint/suspicious/noExplicitAny: template JSON as written, each value checked where it is read
export type Json = any;

export const isIntrinsic = (value: unknown): boolean =>
  Boolean(value) &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.keys(value as object).length === 1 &&
  /^(Ref|Condition|Fn::.+)$/.test(Object.keys(value as object)[0]);
export const isPlainObject = (value: unknown): value is Record<string, Json> =>
  Boolean(value) && typeof value === 'object' && !Array.isArray(value) && !isIntrinsic(value);

/** SAM's Globals merge: objects key by key (the resource wins), lists joined, anything else the resource's. */
export function mergeGlobals(global: Json, local: Json): Json {
  if (local === undefined) return global;
  if (isPlainObject(global) && isPlainObject(local)) {
    const merged: Record<string, Json> = { ...global };
    for (const [key, value] of Object.entries(local)) merged[key] = mergeGlobals(global[key], value);
    return merged;
  }
  if (Array.isArray(global) && Array.isArray(local)) return [...global, ...local];
  return local;
}

/** SAM's `resolve_parameter_refs`: `Ref` and `${Name}` in `Fn::Sub` of a template parameter become its value. */
export function resolveParameterRefs(value: Json, parameters: Record<string, unknown>): Json {
  if (Array.isArray(value)) return value.map((item) => resolveParameterRefs(item, parameters));
  if (!value || typeof value !== 'object') return value;
  if (isIntrinsic(value) && typeof value.Ref === 'string' && value.Ref in parameters) return parameters[value.Ref];
  if (isIntrinsic(value) && 'Fn::Sub' in value) {
    const sub = value['Fn::Sub'];
    const replace = (text: string) => text.replace(/\$\{([^}!.]+)\}/g, (whole, name: string) => (name in parameters ? String(parameters[name]) : whole));
    if (typeof sub === 'string') return { 'Fn::Sub': replace(sub) };
    if (Array.isArray(sub) && typeof sub[0] === 'string') return { 'Fn::Sub': [replace(sub[0]), resolveParameterRefs(sub[1], parameters)] };
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveParameterRefs(item, parameters)]));
}

/** The values SAM would see for each parameter: overrides, else the template's defaults as written. */
export function parameterInputs(template: Template, overrides: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    if (parameter.Default !== undefined) values[name] = parameter.Default;
  }
  return { ...values, ...overrides };
}

/** Drops undefined properties, as SAM leaves unset properties out of its output. */
export const defined = (properties: Record<string, Json>): Record<string, Json> =>
  Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined && value !== null));

/**
 * SAM's referable properties (`!Ref Api.Stage`, `!GetAtt Api.Stage`, `${Api.Stage}` in `Fn::Sub`) replaced by a
 * `Ref` of the resource SAM generated for them, as the translator resolves them everywhere else
 * in the template. `referable` maps `Api.Stage` to the generated id.
 */
export function replaceReferable(node: Json, referable: ReadonlyMap<string, string>): Json {
  if (Array.isArray(node)) return node.map((item) => replaceReferable(item, referable));
  if (!node || typeof node !== 'object') return node;
  if (Object.keys(node).length === 1 && typeof node.Ref === 'string' && referable.has(node.Ref)) return { Ref: referable.get(node.Ref) };
  const getAtt = node['Fn::GetAtt'];
  if (Object.keys(node).length === 1 && getAtt !== undefined) {
    // As SAM's GetAttAction: the parts joined and split again; the rest stays as attributes.
    const parts = (Array.isArray(getAtt) ? getAtt.join('.') : String(getAtt)).split('.');
    const target = referable.get(`${parts[0]}.${parts[1]}`);
    if (target) return { 'Fn::GetAtt': [target, ...parts.slice(2)] };
  }
  const sub = node['Fn::Sub'];
  if (Object.keys(node).length === 1 && sub !== undefined) {
    const replace = (text: string) => text.replace(/\$\{([^}!]+)\}/g, (whole, name: string) => (referable.has(name) ? `\${${referable.get(name)}}` : whole));
    if (typeof sub === 'string') return { 'Fn::Sub': replace(sub) };
    if (Array.isArray(sub) && typeof sub[0] === 'string') return { 'Fn::Sub': [replace(sub[0]), replaceReferable(sub[1], referable)] };
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, replaceReferable(value, referable)]));
}
