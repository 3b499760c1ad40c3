import { fileURLToPath } from 'node:url';

/** The twin's own test app (fixtures/chat-app): connections in DynamoDB, `$default` echoes, `broadcast`, a token authorizer. */
export const CHAT_APP_TEMPLATE = fileURLToPath(new URL('../fixtures/chat-app/template.yaml', import.meta.url));

/** Handlers the tests add as routes, or put in a function's place (fixtures/extra-routes/app.ts). */
export const EXTRA_ROUTES_DIR = fileURLToPath(new URL('../fixtures/extra-routes', import.meta.url));

/** A page to serve (`page`): index.html, style.css and app.ts (fixtures/page). */
export const PAGE_DIR = fileURLToPath(new URL('../fixtures/page', import.meta.url));

/** The compatibility suite's templates (fixtures/compat/{name}/template.yaml). */
export const compatTemplate = (name: string): string => fileURLToPath(new URL(`../fixtures/compat/${name}/template.yaml`, import.meta.url));
