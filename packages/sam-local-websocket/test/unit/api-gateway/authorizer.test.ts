import { expect } from 'chai';
import sinon from 'sinon';
import { TemplateError } from '../../../src/errors.js';
import { authorizerCheck } from '../../../src/api-gateway/authorizer.js';
import type { InvocationOutcome } from '../../../src/api-gateway/invocation-outcome.js';
import type { LocalFunction } from '../../../src/lambda/invoker.js';
import type { Outcome } from '../../../src/lambda/container-protocol.js';
import type { AuthorizerSpec } from '../../../src/template/template.js';
import { handshakeRequest, outcome, VALID_HANDSHAKE } from './fakes.js';

const IDENTITY = { apiId: 'abc123', stage: 'dev', domainName: 'localhost:3001', region: 'eu-north-1', accountId: '123456789012' };
const CONNECTION = { connectionId: 'conn=', connectedAt: Date.UTC(2026, 10, 30), sourceIp: '198.51.100.4', userAgent: 'unit-test' };
const ALLOW = {
  principalId: 'user-1',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }] },
};

/** The check of an authorizer reading `sources`, with a stub function answering `answer`. */
function check(answer: Outcome, sources = ['route.request.querystring.Auth']) {
  const spec: AuthorizerSpec = { logicalId: 'Authorizer', functionId: 'AuthorizerFunction', identitySources: sources };
  const invoke = sinon.stub<Parameters<LocalFunction['invoke']>, Promise<Outcome>>().resolves(answer);
  const report = sinon.spy<(outcome: InvocationOutcome) => void>(() => {});
  const run = authorizerCheck(spec, { invoke } as unknown as LocalFunction, IDENTITY, report);
  /** Runs the check on a handshake to `target` with extra `headers`. */
  const on = (target: string, headers: Record<string, string> = {}) =>
    run(handshakeRequest({ ...VALID_HANDSHAKE, ...headers }, { url: target }), new URL(target, 'ws://localhost:3001'), CONNECTION);
  return { on, invoke, report };
}

/** An allowing answer with these statements' effects. */
const answering = (...effects: string[]) =>
  outcome({ result: { ...ALLOW, policyDocument: { Statement: effects.map((Effect) => ({ Effect, Action: 'execute-api:Invoke', Resource: '*' })) } } });

describe('authorizerCheck', () => {
  describe('identity sources', () => {
    it('refuses a missing or empty query-string source with 401 without running the function, and reports it', async () => {
      const { on, invoke, report } = check(outcome({ result: ALLOW }));
      for (const target of ['/dev', '/dev?Auth=', '/dev?auth=token', '/dev?Auth=token&Auth=', '/dev?Other=token']) {
        expect(await on(target), target).to.deep.equal({ refuse: 401 });
      }
      expect(invoke.callCount).to.equal(0);
      expect(report.callCount).to.equal(5);
      expect(report.firstCall.args[0]).to.deep.equal({
        kind: 'authorizer',
        function: 'AuthorizerFunction',
        route: '$connect',
        connectionId: 'conn=',
        status: 401,
        invoked: false,
        durationMs: 0,
      });
    });

    it('reads a repeated query parameter’s last value (the one the function finds)', async () => {
      const { on, invoke } = check(outcome({ result: ALLOW }));
      expect(await on('/dev?Auth=&Auth=token')).to.not.have.property('refuse');
      expect(invoke.callCount).to.equal(1);
    });

    it('reads a header source in any case', async () => {
      const { on, invoke } = check(outcome({ result: ALLOW }), ['route.request.header.X-Auth-Token']);
      expect(await on('/dev')).to.deep.equal({ refuse: 401 });
      expect(await on('/dev', { 'x-auth-token': '' })).to.deep.equal({ refuse: 401 });
      expect(await on('/dev', { 'X-AUTH-TOKEN': 'secret' })).to.not.have.property('refuse');
      expect(invoke.callCount).to.equal(1);
    });

    it('needs every source: one missing of two is a 401', async () => {
      const { on, invoke } = check(outcome({ result: ALLOW }), ['route.request.querystring.Auth', 'route.request.header.X-Key']);
      expect(await on('/dev?Auth=t')).to.deep.equal({ refuse: 401 });
      expect(await on('/dev', { 'X-Key': 'k' })).to.deep.equal({ refuse: 401 });
      expect(await on('/dev?Auth=t', { 'X-Key': 'k' })).to.not.have.property('refuse');
      expect(invoke.callCount).to.equal(1);
    });

    it('refuses, when the gateway starts, a source it cannot read locally', () => {
      for (const source of ['route.request.body.token', 'method.request.header.Auth', 'route.request.querystring.', '$request.body.action', '']) {
        expect(() => check(outcome({ result: ALLOW }), [source]), source)
          .to.throw(TemplateError)
          .with.property('code', 'template_invalid');
      }
    });
  });

  describe('the function’s input', () => {
    it('is a REQUEST event for $connect: methodArn, the handshake’s headers (Connection and Upgrade kept), query, stageVariables', async () => {
      const { on, invoke } = check(outcome({ result: ALLOW }));
      await on('/dev?Auth=token&Auth=again&x=1', { 'User-Agent': 'unit-test' });
      const event = invoke.firstCall.args[0] as Record<string, object>;
      expect(event).to.include({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:eu-north-1:123456789012:abc123/dev/$connect' });
      expect(event.stageVariables).to.deep.equal({});
      expect(event.queryStringParameters).to.deep.equal({ Auth: 'again', x: '1' });
      expect(event.multiValueQueryStringParameters).to.deep.equal({ Auth: ['token', 'again'], x: ['1'] });
      expect(event.headers).to.include({ Upgrade: 'websocket', Connection: 'Upgrade', 'User-Agent': 'unit-test' });
      expect(event.requestContext).to.include({ routeKey: '$connect', eventType: 'CONNECT', connectionId: 'conn=', apiId: 'abc123', stage: 'dev' });
    });

    it('carries empty query-string shapes when the handshake has no query', async () => {
      const { on, invoke } = check(outcome({ result: ALLOW }), ['route.request.header.X-Key']);
      await on('/dev', { 'X-Key': 'k' });
      const event = invoke.firstCall.args[0] as Record<string, unknown>;
      expect(event.queryStringParameters).to.deep.equal({});
      expect(event.multiValueQueryStringParameters).to.deep.equal({});
    });
  });

  describe('the verdict', () => {
    it('Allow: passes principalId and context on to the routes, and reports 200 with the invocation', async () => {
      const { on, report } = check(outcome({ result: { ...ALLOW, context: { tier: 'gold', count: 3 } } }, 7));
      expect(await on('/dev?Auth=t')).to.deep.equal({ authorizer: { tier: 'gold', count: '3', principalId: 'user-1', integrationLatency: 7 } });
      expect(report.firstCall.args[0]).to.deep.equal({
        kind: 'authorizer',
        function: 'AuthorizerFunction',
        route: '$connect',
        connectionId: 'conn=',
        requestId: 'req-1',
        status: 200,
        invoked: true,
        durationMs: 7,
      });
    });

    it('keeps the principalId of the answer over one the context claims', async () => {
      const { on } = check(outcome({ result: { ...ALLOW, context: { principalId: 'admin' } } }));
      expect(await on('/dev?Auth=t')).to.deep.equal({ authorizer: { principalId: 'user-1', integrationLatency: 5 } });
    });

    it('Deny, or no Allow among the statements: 403', async () => {
      for (const effects of [['Deny'], ['Allow', 'Deny'], ['Deny', 'Allow']]) {
        const { on, report } = check(answering(...effects));
        expect(await on('/dev?Auth=t'), effects.join()).to.deep.equal({ refuse: 403 });
        expect(report.firstCall.args[0]).to.include({ status: 403, invoked: true });
      }
      // An Effect that is neither (IAM's values are case-sensitive) is no policy at all.
      for (const effects of [['allow'], ['Maybe']]) {
        const { on } = check(answering(...effects));
        expect(await on('/dev?Auth=t'), effects.join()).to.deep.equal({ refuse: 500, headers: { 'x-amzn-ErrorType': 'AuthorizerConfigurationException' } });
      }
    });

    it('an answer that is no policy (no principalId, no statements, not an object): 500', async () => {
      for (const result of [
        { policyDocument: ALLOW.policyDocument },
        { ...ALLOW, principalId: '' },
        { principalId: 'u' },
        { principalId: 'u', policyDocument: { Statement: [] } },
        null,
        undefined,
        'Allow',
        42,
      ]) {
        const { on } = check(outcome({ result }));
        expect(await on('/dev?Auth=t'), JSON.stringify(result)).to.include({ refuse: 500 });
      }
    });

    it('a function that throws Unauthorized: 401; any other failure: 500, reported with its error', async () => {
      const unauthorized = check(outcome({ error: { name: 'Error', message: 'Unauthorized' } }));
      expect(await unauthorized.on('/dev?Auth=t')).to.deep.equal({ refuse: 401 });
      expect(unauthorized.report.firstCall.args[0]).to.include({ status: 401, invoked: true });

      const timedOut = check(outcome({ error: { name: 'Sandbox.Timedout', message: 'Task timed out after 3.00 seconds' } }));
      expect(await timedOut.on('/dev?Auth=t')).to.deep.equal({ refuse: 500 });
      expect(timedOut.report.firstCall.args[0].error).to.deep.equal({ name: 'Sandbox.Timedout', message: 'Task timed out after 3.00 seconds' });

      const almost = check(outcome({ error: { name: 'Error', message: 'unauthorized' } }));
      expect(await almost.on('/dev?Auth=t')).to.deep.equal({ refuse: 500 });
    });
  });
});
