/**
 * Flag values shared by the local commands (`npm start`, `npm run invoke`): each is read
 * the same way in both, and a bad one fails fast with an {@link OptionError}.
 */
import { readFileSync } from 'node:fs';
import { OptionError } from '../errors.js';
import type { EnvVars } from '../lambda/functions.js';
import { parseParameterOverrides } from '../template/parameters.js';

/** A whole number of zero or more (a port, a count), or undefined when not given. */
export function wholeNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 0) throw new OptionError(`--${name} must be a whole number, got "${raw}"`);
  return value;
}

/** `--parameter Name=Value` pairs as template parameter values; a token (`--auth-token`, env `AUTH_TOKEN`) sets `AuthToken`. */
export function templateParameters(pairs: string[] = [], authToken: string | undefined): Record<string, string> {
  const parameters = Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new OptionError(`--parameter takes Name=Value, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  if (authToken) parameters.AuthToken = authToken;
  return parameters;
}

/**
 * A `--env-vars` file in `sam local invoke` form, or undefined when not given: an object of
 * sections (`Parameters`, or a function's logical id), each an object of variables. A section
 * that is no object fails, as SAM's does; values become strings as SAM makes them (`true`,
 * `false`, numbers as written; an object or list, which SAM takes for an unresolved intrinsic, empty).
 */
export function envVarsFile(file: string | undefined): EnvVars | undefined {
  if (file === undefined) return undefined;
  const parsed = readJsonFile('env-vars', file);
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(parsed)) throw new OptionError(`--env-vars: ${file} must hold an object of sections, e.g. {"Parameters": {"NAME": "value"}}`);
  return Object.fromEntries(
    Object.entries(parsed).map(([section, variables]) => {
      if (!isObject(variables)) throw new OptionError(`--env-vars: ${file}: section ${section} must be an object of variables`);
      return [
        section,
        Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, value === null || typeof value === 'object' ? '' : String(value)])),
      ];
    }),
  );
}

/** A JSON file named by a flag; unreadable or invalid JSON fails with the file's name. */
export function readJsonFile(flag: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OptionError(`--${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OptionError(`--${flag}: ${file} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/**
 * Takes `--parameter-overrides` out of a command line as `sam deploy` reads it: the arguments
 * after the flag that hold a `=` (`--parameter-overrides A=1 B=2`, not a function name), or its `=` form;
 * the values are read with parseParameterOverrides (template/parameters.ts).
 */
export function takeParameterOverrides(argv: string[]): { argv: string[]; overrides: string[] } {
  const rest: string[] = [];
  const overrides: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg.startsWith('--parameter-overrides=')) overrides.push(arg.slice('--parameter-overrides='.length));
    else if (arg === '--parameter-overrides') {
      while (index + 1 < argv.length && !argv[index + 1].startsWith('-') && argv[index + 1].includes('=')) overrides.push(argv[++index]);
    } else rest.push(arg);
  }
  return { argv: rest, overrides };
}

/** `--parameter-overrides` values as parameter values; a malformed one is an {@link OptionError}. */
export function parameterOverrides(items: string[]): Record<string, string> {
  try {
    return parseParameterOverrides(items);
  } catch (error) {
    throw new OptionError(`--parameter-overrides: ${(error as Error).message}`, { cause: error });
  }
}
