/** What a client's frame turned out to be. */
export type ParsedMessage = { kind: 'not_json' } | { kind: 'not_object' } | { kind: 'object'; value: Record<string, unknown> };

/** Parses a frame's text without throwing: only a JSON object can name an action. */
export function parseMessage(body: string | undefined | null): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return { kind: 'not_json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'not_object' };
  return { kind: 'object', value: value as Record<string, unknown> };
}

/**
 * What recipients get for a broadcast's `data`: a string as it is, anything else as JSON;
 * with `from` (the app chose to name senders), `{"from": sub, "data": data}` as JSON.
 * `undefined` when it cannot be encoded (JSON nested too deeply to stringify).
 */
export function encodeData(data: unknown, from?: { sub: string | null }): string | undefined {
  if (from) return encodeJson({ from: from.sub, data });
  if (typeof data === 'string') return data;
  return encodeJson(data);
}

function encodeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
