import type { IncomingMessage } from 'node:http';
import type { Outcome } from '../lambda/container-protocol.js';

/** The `Sec-WebSocket-Protocol` header of a Lambda proxy answer, in any case, if it has one. */
function protocolHeaderOf(outcome: Outcome): string | undefined {
  if (!outcome.ok) return undefined;
  const result = outcome.result as { headers?: Record<string, unknown>; multiValueHeaders?: Record<string, unknown> } | null | undefined;
  const find = (headers: Record<string, unknown> | undefined) =>
    Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'sec-websocket-protocol')?.[1];
  const value = find(result?.headers) ?? (find(result?.multiValueHeaders) as unknown[] | undefined)?.[0];
  return typeof value === 'string' ? value.trim() : undefined;
}

/**
 * The subprotocols `$connect` answered with, by pending handshake (one per gateway): kept after
 * `$connect` and read by `ws` when it completes the handshake.
 */
export class ConnectProtocols {
  private readonly answered = new WeakMap<IncomingMessage, string>();

  /** Keeps the subprotocol `$connect` chose for this handshake (API Gateway answers only that one). */
  remember(request: IncomingMessage, outcome: Outcome): void {
    const protocol = protocolHeaderOf(outcome);
    if (protocol) this.answered.set(request, protocol);
  }

  /**
   * `ws`'s `handleProtocols`: as API Gateway, the handshake answers `Sec-WebSocket-Protocol`
   * only when the `$connect` integration returned it, and here only when the client offered
   * it (otherwise the client would fail the handshake anyway). Without a `$connect` answer
   * naming one, no protocol is chosen, whatever the client offered.
   */
  readonly choose = (offered: Set<string>, request: IncomingMessage): string | false => {
    const protocol = this.answered.get(request);
    return protocol !== undefined && offered.has(protocol) ? protocol : false;
  };
}
