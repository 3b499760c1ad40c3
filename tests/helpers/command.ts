import { resolve } from 'node:path';

/**
 * The twin's command as npm scripts run it (`npm start`, `npm run invoke`, `npm run token`):
 * node_modules/.bin/sam-local-websocket, run with this test run's Node.js (process.execPath).
 */
export const COMMAND = resolve('node_modules/.bin/sam-local-websocket');
