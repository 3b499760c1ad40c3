/**
 * One JSON object per line, which Lambda's JSON log format keeps as structured fields.
 * Never pass message contents or secrets: log ids, counts and error names.
 */
type Fields = Record<string, unknown>;

function write(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Fields): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === 'INFO') console.info(line);
  else if (level === 'WARN') console.warn(line);
  else console.error(line);
}

/** The shape an error takes in a log line: its name and message, never a stack. */
export function describeError(error: unknown): Fields {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  return { errorName: 'NonError', errorMessage: String(error) };
}

export const logger = {
  info: (message: string, fields: Fields = {}) => write('INFO', message, fields),
  warn: (message: string, fields: Fields = {}) => write('WARN', message, fields),
  error: (message: string, fields: Fields = {}) => write('ERROR', message, fields),
};
