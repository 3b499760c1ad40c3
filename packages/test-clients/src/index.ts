/**
 * Test clients shared by the app's tests and the twin's (a private workspace package, never
 * published): WebSocket clients over real sockets, raw frames and handshakes, a server on a
 * free port, and table-driven case titles. They know neither the app nor the twin.
 */
export * from './cases.js';
export * from './clients.js';
export * from './http-server.js';
export * from './raw.js';
