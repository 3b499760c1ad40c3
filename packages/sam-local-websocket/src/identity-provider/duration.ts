import { OptionError } from '../errors.js';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** `90`, `90s`, `15m`, `1h`, `1d` in seconds; throws an {@link OptionError} for anything else. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[(match[2] || 's') as keyof typeof UNIT_SECONDS] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 1) throw new OptionError(`a duration is a whole number with s, m, h or d (e.g. 1h), got "${text}"`);
  return seconds;
}
