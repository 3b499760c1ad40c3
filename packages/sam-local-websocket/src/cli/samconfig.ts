/**
 * The region a SAM project deploys to: `region` in `samconfig.toml` beside the template, under
 * `[default.deploy.parameters]` or `[default.global.parameters]` (SAM reads the command's section
 * first, then `global`). Only this one key is read, line by line (TOML's basic and literal
 * strings); anything unreadable means no region.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The `region` samconfig.toml beside `template` deploys to; undefined when there is none. */
export function samconfigRegion(template: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(dirname(resolve(template)), 'samconfig.toml'), 'utf8');
  } catch {
    return undefined;
  }
  const regions = new Map<string, string>();
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) section = header[1].trim();
    const value = /^region\s*=\s*(?:"([^"]*)"|'([^']*)')$/.exec(line);
    if (value) regions.set(section, value[1] ?? value[2]);
  }
  const region = regions.get('default.deploy.parameters') ?? regions.get('default.global.parameters');
  return region && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : undefined;
}
