/**
 * Flag values shared by the local commands (`npm start`, `npm run invoke`): each is read
 * the same way in both, and a bad one fails fast with an {@link OptionError}.
 */
import { readFileSync } from 'node:fs';
import { OptionError } from '../tooling/errors.js';
import type { EnvVars } from './lambda/functions.js';

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

/** A `--env-vars` file in `sam local invoke` form, or undefined when not given. */
export function envVarsFile(file: string | undefined): EnvVars | undefined {
  if (file === undefined) return undefined;
  return readJsonFile('env-vars', file) as EnvVars;
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
