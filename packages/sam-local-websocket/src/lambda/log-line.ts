/**
 * A function's log line made readable for a person at a terminal (`npm run invoke`): an EMF
 * line as its metrics (emf.ts), a Powertools log record as `time LEVEL message key=value ...`
 * with the fields every line repeats left out and an error's stack on the lines below;
 * anything else unchanged.
 */
import { formatLogLine } from './emf.js';

/** Fields Powertools puts on every line of an invocation: shown once elsewhere, or constant. */
const REPEATED_FIELDS: ReadonlySet<string> = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'function_name',
  'function_arn',
  'function_memory_size',
  'function_request_id',
  'xray_trace_id',
]);

function powertoolsRecord(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const record: unknown = JSON.parse(line);
    if (!record || typeof record !== 'object' || Array.isArray(record)) return undefined;
    const { level, message } = record as Record<string, unknown>;
    return typeof level === 'string' && typeof message === 'string' ? (record as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One line as `npm run invoke` prints it. */
export function readableLogLine(line: string): string {
  const record = powertoolsRecord(line);
  if (!record) return formatLogLine(line);
  const fields = Object.entries(record)
    .filter(([key]) => !REPEATED_FIELDS.has(key))
    .map(([key, value]) => {
      if (key === 'error' && value && typeof value === 'object') {
        const { stack: _, ...error } = value as Record<string, unknown>;
        return `error=${JSON.stringify(error)}`;
      }
      return `${key}=${JSON.stringify(value)}`;
    });
  const time = typeof record.timestamp === 'string' ? `${record.timestamp} ` : '';
  const stack = (record.error as { stack?: unknown } | undefined)?.stack;
  const head = `${time}${String(record.level).padEnd(5)} ${record.message}${fields.length ? `  ${fields.join(' ')}` : ''}`;
  return typeof stack === 'string' ? `${head}\n${stack.replace(/^/gm, '    ')}` : head;
}
