import { readFileSync } from 'node:fs';
import type { WebSocketEvent } from '../../functions/shared/events.js';

/** Loads a sample event from events/, as `sam local invoke -e` would. */
export function sampleEvent(name: string): WebSocketEvent {
  return JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8'));
}

/** A MESSAGE event for `routeKey` with `body`, from `connectionId`. */
export function messageEvent(routeKey: string, body: string, connectionId = 'sender='): WebSocketEvent {
  const event = sampleEvent('broadcast.json');
  return { ...event, body, requestContext: { ...event.requestContext, routeKey, connectionId } };
}
