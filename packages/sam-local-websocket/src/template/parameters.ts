/**
 * Where parameter values come from, as `sam deploy` takes them: each parameter's `Default`,
 * then `parameter_overrides` of samconfig.toml (beside the template, `[default.deploy.parameters]`
 * or `[default.global.parameters]`), then the command line (`--parameter-overrides` in either of
 * SAM's forms, `--parameter`), key by key. A parameter left without a value is refused, naming it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { ParameterError } from '../errors.js';
import type { Template } from './template.js';

/** The file `sam` reads its defaults from, beside the template. */
export const SAMCONFIG_FILE = 'samconfig.toml';

/** Splits at spaces outside quotes, dropping the quotes (how SAM's shell-like parameter string splits). */
function words(text: string): string[] {
  return [...text.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)].map((match) => match[0].replace(/"([^"]*)"|'([^']*)'/g, '$1$2'));
}

/**
 * Reads `--parameter-overrides` values: `Key=Value` items, or CloudFormation's
 * `ParameterKey=Key,ParameterValue=Value`; several in one string separated by spaces (quote a
 * value with spaces), or one per argument.
 */
export function parseParameterOverrides(items: string | string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const item of (Array.isArray(items) ? items : [items]).flatMap(words)) {
    const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(item);
    const at = item.indexOf('=');
    if (long) values[long[1]] = long[2];
    else if (at > 0) values[item.slice(0, at)] = item.slice(at + 1);
    else throw new ParameterError(`parameter override "${item}" must look like Key=Value or ParameterKey=Key,ParameterValue=Value`);
  }
  return values;
}

/** samconfig.toml in `dir`, parsed; undefined when there is none. Throws a ParameterError when it is not TOML. */
function readSamconfig(dir: string): Record<string, unknown> | undefined {
  const file = join(dir, SAMCONFIG_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ParameterError(`${file} is not valid TOML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}

/** A key of `[{environment}.{command}.parameters]` (SAM reads the command's section first, then `global`'s). */
function sectionValue(config: Record<string, unknown> | undefined, environment: string, command: string, key: string): unknown {
  return (config?.[environment] as Record<string, Record<string, Record<string, unknown>>> | undefined)?.[command]?.parameters?.[key];
}

/** `parameter_overrides` of samconfig.toml in `dir` (environment `default`): deploy's, over global's. None: `{}`. */
export function samconfigParameters(dir: string, environment = 'default'): Record<string, string> {
  const config = readSamconfig(dir);
  const read = (value: unknown) => (value === undefined ? {} : parseParameterOverrides(value as string | string[]));
  return {
    ...read(sectionValue(config, environment, 'global', 'parameter_overrides')),
    ...read(sectionValue(config, environment, 'deploy', 'parameter_overrides')),
  };
}

/**
 * The region the project deploys to: `region` of samconfig.toml in `dir` (deploy's, else global's);
 * undefined when there is none, when it is no region, or when the file does not parse (starting
 * then refuses it with the parameters).
 */
export function samconfigRegion(dir: string, environment = 'default'): string | undefined {
  let config: Record<string, unknown> | undefined;
  try {
    config = readSamconfig(dir);
  } catch {
    return undefined;
  }
  const region = sectionValue(config, environment, 'deploy', 'region') ?? sectionValue(config, environment, 'global', 'region');
  return typeof region === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : undefined;
}

/** Refuses the first parameter that has neither a default nor a value given. */
export function requireParameterValues(template: Template, values: Record<string, string>): void {
  for (const name of Object.keys(template.Parameters ?? {})) {
    if (!(name in values)) {
      throw new ParameterError(
        `parameter ${name} has no Default and no value: give it with --parameter-overrides ${name}=... or in ${SAMCONFIG_FILE} (parameter_overrides)`,
      );
    }
  }
}

/**
 * One warning for each parameter whose value is an ARN (`arn:{partition}:{service}:...`): it names
 * something outside the template, which the twin does not have, so what uses it cannot work locally.
 */
export function arnParameterWarnings(template: Template, values: Record<string, string>): string[] {
  return Object.keys(template.Parameters ?? {}).flatMap((name) => {
    const match = /^arn:[^:]+:([^:]+):/.exec(values[name] ?? '');
    if (!match) return [];
    return [
      `parameter ${name} is an ARN (${values[name]}): that ${match[1]} resource is not in the template, so the twin cannot run or reach it; what uses it will fail locally`,
    ];
  });
}
