import type { WebSocketResult } from './events.js';

/** The answers a handler gives API Gateway, shaped in one place. */
export const ok = (): WebSocketResult => ({ statusCode: 200 });
export const badRequest = (reason: string): WebSocketResult => ({ statusCode: 400, body: reason });
/** Internal details stay in the logs: the client only learns that something failed. */
export const serverError = (): WebSocketResult => ({ statusCode: 500, body: 'Internal server error' });
