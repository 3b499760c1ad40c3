/**
 * One parser decides a handshake: `ws`'s own. The gateway hands every upgrade to `ws` at once;
 * `ws` parses and checks the request (method, Upgrade, key, version, subprotocol list, ...) and
 * only for a request it would complete does it call `verifyClient`, where the gate runs the
 * authorizer and `$connect`. A request `ws` refuses (e.g. a subprotocol list with a non-breaking
 * space, which `trim()` would have let through) is answered before anything runs, so no
 * `$connect` stores a record that no `$disconnect` would remove.
 */
import type { IncomingMessage } from 'node:http';

/** `ws`'s answer callback of an asynchronous `verifyClient`: true completes the handshake. */
export type VerifyDone = (verified: boolean, code?: number, message?: string, headers?: Record<string, string>) => void;

/** Pending handshakes by request: what runs once `ws` has parsed the request and would complete it. */
export class HandshakeGate {
  private readonly waiting = new WeakMap<IncomingMessage, (done: VerifyDone) => void>();

  /** Registers what runs for `request` if `ws` accepts its form; see {@link passed}. */
  expect(request: IncomingMessage, onPassed: (done: VerifyDone) => void): void {
    this.waiting.set(request, onPassed);
  }

  /**
   * After `handleUpgrade` returned: true if `ws` passed the request to `verifyClient` (it does so
   * synchronously), false if it refused it (and answered the client itself).
   */
  passed(request: IncomingMessage): boolean {
    const refused = this.waiting.has(request);
    this.waiting.delete(request);
    return !refused;
  }

  /** The `verifyClient` option of the gateway's `WebSocketServer` (the callback form: asynchronous). */
  readonly verifyClient = (info: { req: IncomingMessage }, done: VerifyDone): void => {
    const onPassed = this.waiting.get(info.req);
    this.waiting.delete(info.req);
    if (onPassed) onPassed(done);
    else done(false, 400); // not ours: no such upgrade is expected
  };
}
