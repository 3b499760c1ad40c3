import type { IncomingMessage } from 'node:http';
import { TemplateError } from '../errors.js';
import { connectEvent, type ApiIdentity, type EventConnection, type GatewayEvent } from './events.js';
import type { InvocationOutcome } from './invocation-outcome.js';
import type { LocalFunction } from '../lambda/invoker.js';
import type { AuthorizerSpec } from '../template/template.js';
import type { HandshakeCheck } from './upgrade.js';

/**
 * Reads one identity source (`route.request.querystring.X` or `route.request.header.X`).
 * A repeated query parameter is read as its last value: the value the function finds in
 * `queryStringParameters`, so the check and the function judge the same token (AWS does
 * not document which one a WebSocket identity source reads: a choice, written in the package README).
 */
function identityReader(source: string): (request: IncomingMessage, url: URL) => string | undefined {
  const query = /^route\.request\.querystring\.(.+)$/.exec(source);
  if (query) return (_request, url) => url.searchParams.getAll(query[1]).at(-1);
  const header = /^route\.request\.header\.(.+)$/.exec(source);
  if (header) return (request) => request.headers[header[1].toLowerCase()]?.toString();
  throw new TemplateError(`identity source "${source}" is not supported locally (use route.request.querystring.X or route.request.header.X)`);
}

/** A REQUEST authorizer's input: the `$connect` event as the authorizer gets it, with `type` and `methodArn`. */
export type AuthorizerRequestEvent = GatewayEvent & { type: 'REQUEST'; methodArn: string; stageVariables: Record<string, string> };

/**
 * The REQUEST authorizer's input: the `$connect` event with `Connection` and `Upgrade` kept,
 * the query string's two shapes even without a query (empty), `type` and `methodArn`.
 */
export function authorizerEvent(api: ApiIdentity, connection: EventConnection, request: IncomingMessage, url: URL, methodArn: string): AuthorizerRequestEvent {
  const { requestContext, ...rest } = connectEvent(api, connection, request, url, { upgradeHeaders: true });
  const query = { queryStringParameters: {}, multiValueQueryStringParameters: {} };
  return { ...query, ...rest, type: 'REQUEST', methodArn, stageVariables: {}, requestContext };
}

/** What the gateway reads of an authorizer's answer. */
export interface PolicyAnswer {
  principalId?: string;
  policyDocument?: { Statement?: { Effect?: string }[] };
  context?: Record<string, unknown>;
}

/**
 * Runs a `$connect` REQUEST authorizer as API Gateway does: a missing or empty identity
 * source is refused with 401 before the function runs; `Unauthorized` gives 401, a Deny
 * policy 403, any other failure 500; an Allow passes `principalId` and `context` on to
 * every route's `requestContext.authorizer`.
 */
export function authorizerCheck(
  spec: AuthorizerSpec,
  fn: LocalFunction,
  identity: ApiIdentity & { region: string; accountId: string },
  report: (outcome: InvocationOutcome) => void,
): HandshakeCheck {
  const readers = spec.identitySources.map(identityReader);
  const methodArn = `arn:aws:execute-api:${identity.region}:${identity.accountId}:${identity.apiId}/${identity.stage}/$connect`;

  return async (request, url, connection: EventConnection) => {
    const reported = { kind: 'authorizer', function: spec.functionId, route: '$connect', connectionId: connection.connectionId } as const;
    if (readers.some((read) => !read(request, url))) {
      report({ ...reported, status: 401, invoked: false, durationMs: 0 });
      return { refuse: 401 };
    }
    const outcome = await fn.invoke(authorizerEvent(identity, connection, request, url, methodArn));
    const status = verdictOf(outcome.ok ? (outcome.result as PolicyAnswer) : undefined, outcome.ok ? undefined : outcome.error.message);
    report({ ...reported, requestId: outcome.requestId, status, invoked: true, durationMs: outcome.ms, ...(outcome.ok ? {} : { error: outcome.error }) });
    if (status !== 200) return { refuse: status };
    const answer = (outcome as { result: PolicyAnswer }).result;
    return { authorizer: { ...answer.context, principalId: answer.principalId } };
  };
}

function verdictOf(answer: PolicyAnswer | undefined, errorMessage: string | undefined): number {
  if (errorMessage !== undefined) return errorMessage === 'Unauthorized' ? 401 : 500;
  const effects = answer?.policyDocument?.Statement?.map((statement) => statement.Effect) ?? [];
  if (!answer?.principalId || effects.length === 0) return 500; // not a policy answer at all
  return effects.includes('Deny') || !effects.includes('Allow') ? 403 : 200;
}
