import type { IncomingMessage } from 'node:http';
import { TemplateError } from '../errors.js';
import { connectEvent, type ApiIdentity, type EventConnection, type GatewayEvent } from './events.js';
import type { InvocationOutcome } from './invocation-outcome.js';
import type { LocalFunction } from '../lambda/invoker.js';
import type { AuthorizerSpec } from '../template/template.js';
import type { HandshakeCheck } from './upgrade.js';
import { judgeAuthorizerAnswer } from './authorizer-policy.js';
import { PolicyEvaluator } from '../iam/evaluate.js';

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

/** What the gateway reads of an authorizer's answer (judged by {@link judgeAuthorizerAnswer}). */
export interface PolicyAnswer {
  principalId?: string;
  policyDocument?: { Statement?: { Effect?: string } | { Effect?: string }[] };
  context?: Record<string, unknown>;
}

/** The header API Gateway names an authorizer configuration error with (observed on REST APIs). */
const CONFIGURATION_ERROR = { 'x-amzn-ErrorType': 'AuthorizerConfigurationException' } as const;

/**
 * Runs a `$connect` REQUEST authorizer as API Gateway does: a missing or empty identity
 * source is refused with 401 before the function runs; `Unauthorized` gives 401, any other
 * failure 500; the answer is then judged ({@link judgeAuthorizerAnswer}): a policy that does not
 * allow the route's ARN gives 403, a malformed answer or context 500; an Allow passes
 * `principalId`, the context (stringified) and `integrationLatency` on to every route's
 * `requestContext.authorizer`.
 */
export function authorizerCheck(
  spec: AuthorizerSpec,
  fn: LocalFunction,
  identity: ApiIdentity & { region: string; accountId: string; partition?: string },
  report: (outcome: InvocationOutcome) => void,
): HandshakeCheck {
  const readers = spec.identitySources.map(identityReader);
  const methodArn = `arn:${identity.partition ?? 'aws'}:execute-api:${identity.region}:${identity.accountId}:${identity.apiId}/${identity.stage}/$connect`;
  const evaluator = new PolicyEvaluator();

  return async (request, url, connection: EventConnection) => {
    const reported = { kind: 'authorizer', function: spec.functionId, route: '$connect', connectionId: connection.connectionId } as const;
    if (readers.some((read) => !read(request, url))) {
      report({ ...reported, status: 401, invoked: false, durationMs: 0 });
      return { refuse: 401 };
    }
    const outcome = await fn.invoke(authorizerEvent(identity, connection, request, url, methodArn));
    const ran = { ...reported, requestId: outcome.requestId, invoked: true, durationMs: outcome.ms };
    if (!outcome.ok) {
      const status = outcome.error.message === 'Unauthorized' ? 401 : 500;
      report({ ...ran, status, error: outcome.error });
      return { refuse: status };
    }
    const verdict = judgeAuthorizerAnswer(outcome.result, methodArn, evaluator);
    if (verdict.status !== 200) {
      report({ ...ran, status: verdict.status, reason: verdict.reason });
      return verdict.status === 500 ? { refuse: 500, headers: { ...CONFIGURATION_ERROR } } : { refuse: verdict.status };
    }
    report({ ...ran, status: 200 });
    return { authorizer: { ...verdict.authorizer, integrationLatency: outcome.ms } };
  };
}
