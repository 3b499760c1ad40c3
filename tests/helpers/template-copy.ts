import type { Template } from 'sam-local-websocket';
import { templateCopy as copyTemplate } from 'sam-local-websocket/testing';

export { addRoute, removeRoute } from 'sam-local-websocket/testing';

/** A changed copy of the app's template.yaml (sam-local-websocket/testing). */
export function templateCopy(change: (template: Template) => void): { path: string; remove: () => void } {
  return copyTemplate('template.yaml', change);
}
