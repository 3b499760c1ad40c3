/** What a frame from the API is, for the page's log. */
export type FrameKind = 'broadcast' | 'notice' | 'error';

export interface ClassifiedFrame {
  kind: FrameKind;
  /** What the log shows. */
  text: string;
}

/**
 * Tells apart what arrives: API Gateway's own error frames (`{"message":"Forbidden" |
 * "Internal server error", "connectionId", "requestId"}`), the app's JSON notices
 * (`{"error": code, "message": ...}` from `$default` or a failed broadcast), and broadcasts
 * (anything else, shown as it came).
 */
export function classifyFrame(frame: string): ClassifiedFrame {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return { kind: 'broadcast', text: frame };
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (typeof record.error === 'string' && typeof record.message === 'string') {
      return { kind: 'notice', text: `${record.error}: ${record.message}` };
    }
    if (typeof record.message === 'string' && typeof record.requestId === 'string' && Object.keys(record).length <= 3) {
      return { kind: 'error', text: `API Gateway: ${record.message}` };
    }
  }
  return { kind: 'broadcast', text: frame };
}

/** The URL to connect to: the API's URL, with `?Auth=` when a token is given. */
export function connectionUrl(url: string, token: string): string {
  const parsed = new URL(url.trim());
  if (token.trim()) parsed.searchParams.set('Auth', token.trim());
  return parsed.href;
}

/** Well-known close codes, named for people. */
const CLOSE_REASONS: Record<number, string> = {
  1000: 'closed normally',
  1001: 'going away (idle, too old, or the server stopped)',
  1003: 'binary frames are not accepted',
  1005: 'closed without a code',
  1006: 'connection lost',
  1007: 'invalid UTF-8',
  1009: 'message too big (over 128 KB)',
  1011: 'server error',
};

export const describeClose = (code: number): string => `${code} ${CLOSE_REASONS[code] ?? ''}`.trim();
