import { readdirSync, readFileSync } from 'node:fs';
import type { WebSocketEvent } from '../../functions/shared/events.js';

/**
 * Each route sample in events/: the function `sam local invoke` (and `npm run invoke`) runs it
 * with, and the status it answers. (authorizer.json is the authorizer's: it answers a policy.)
 */
export const SAMPLE_EVENTS = {
  'connect.json': { function: 'ConnectFunction', status: 200 },
  'disconnect.json': { function: 'DisconnectFunction', status: 200 },
  'default.json': { function: 'DefaultFunction', status: 200 },
  'default-not-json.json': { function: 'DefaultFunction', status: 200 },
  'broadcast.json': { function: 'BroadcastFunction', status: 200 },
  'broadcast-object.json': { function: 'BroadcastFunction', status: 200 },
  'broadcast-missing-data.json': { function: 'BroadcastFunction', status: 400 },
  'broadcast-null-data.json': { function: 'BroadcastFunction', status: 400 },
  'broadcast-no-request-context.json': { function: 'BroadcastFunction', status: 400 },
} as const;

/** The authorizer's sample, answered with an Allow policy when AuthToken is its token. */
export const AUTHORIZER_SAMPLE = { file: 'authorizer.json', function: 'AuthorizerFunction', token: 'my-local-token' } as const;

/**
 * The fan-out worker's sample: the job a dispatcher sends (segment 0 of 1, the message, and the
 * `@connections` endpoint of `npm start` on its default port). The worker answers nothing.
 */
export const WORKER_SAMPLE = { file: 'fan-out-worker.json', function: 'FanOutWorkerFunction' } as const;

/** Every file in events/, sorted. */
export function sampleEventFiles(): string[] {
  return readdirSync(new URL('../../events', import.meta.url))
    .filter((file) => file.endsWith('.json'))
    .sort();
}

/** Loads a sample event from events/, as `sam local invoke -e` would. */
export function sampleEvent(name: string): WebSocketEvent {
  return JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8'));
}

/** A MESSAGE event for `routeKey` with `body`, from `connectionId`. */
export function messageEvent(routeKey: string, body: string, connectionId = 'sender='): WebSocketEvent {
  const event = sampleEvent('broadcast.json');
  return { ...event, body, requestContext: { ...event.requestContext, routeKey, connectionId } };
}
