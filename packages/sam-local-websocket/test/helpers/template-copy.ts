import type { Template } from '../../src/template/template.js';
import { addRoute as addTemplateRoute, templateCopy as copyTemplate } from '../../src/testing/index.js';
import { CHAT_APP_TEMPLATE, EXTRA_ROUTES_DIR } from './fixtures.js';

export { removeRoute } from '../../src/testing/index.js';

/** Adds a route to a template (src/testing), its function from the extra-routes fixture unless told otherwise. */
export function addRoute(
  template: Template,
  routeKey: string,
  handler: string,
  options: Omit<Parameters<typeof addTemplateRoute>[3], 'codeUri'> & { codeUri?: string } = {},
): void {
  addTemplateRoute(template, routeKey, handler, { codeUri: EXTRA_ROUTES_DIR, ...options });
}

/** A changed copy of the twin's test app (src/testing). */
export function templateCopy(change: (template: Template) => void): { path: string; remove: () => void } {
  return copyTemplate(CHAT_APP_TEMPLATE, change);
}
