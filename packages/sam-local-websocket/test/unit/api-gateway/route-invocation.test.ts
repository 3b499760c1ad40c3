import { expect } from 'chai';
import sinon from 'sinon';
import { FunctionNotRunningError } from '../../../src/errors.js';
import { messageEvent } from '../../../src/api-gateway/events.js';
import type { InvocationOutcome } from '../../../src/api-gateway/invocation-outcome.js';
import { bodyOf, gatewayFrame, routeInvoker, statusOf } from '../../../src/api-gateway/route-invocation.js';
import type { LocalFunctions } from '../../../src/lambda/functions.js';
import { MAX_QUEUED_INVOCATIONS } from '../../../src/lambda/queue-limits.js';
import type { LocalFunction } from '../../../src/lambda/invoker.js';
import type { Outcome } from '../../../src/lambda/container-protocol.js';
import { fakeConnection, outcome, route } from './fakes.js';

const FAILED = outcome({ error: { name: 'Sandbox.Timedout', message: 'Task timed out after 3.00 seconds' } });

describe('statusOf', () => {
  it('reads a numeric statusCode, and 200 without one', () => {
    expect(statusOf(outcome({ result: { statusCode: 403 } }))).to.equal(403);
    expect(statusOf(outcome({ result: { statusCode: 204 } }), '$connect')).to.equal(204);
    for (const result of [{}, { statusCode: '404' }, { statusCode: null }, null, undefined, 'text', 42]) {
      expect(statusOf(outcome({ result })), JSON.stringify(result)).to.equal(200);
    }
  });

  it('gives 500 for a failed invocation, but 502 on $connect (what API Gateway answers the handshake)', () => {
    expect(statusOf(FAILED)).to.equal(500);
    expect(statusOf(FAILED, 'broadcast')).to.equal(500);
    expect(statusOf(FAILED, '$disconnect')).to.equal(500);
    expect(statusOf(FAILED, '$connect')).to.equal(502);
  });
});

describe('bodyOf', () => {
  it('gives a string body, even an empty one', () => {
    expect(bodyOf(outcome({ result: { statusCode: 200, body: 'hi' } }))).to.equal('hi');
    expect(bodyOf(outcome({ result: { body: '' } }))).to.equal('');
  });

  it('gives nothing for a failed invocation or a body that is no string', () => {
    expect(bodyOf(FAILED)).to.equal(undefined);
    for (const result of [{ body: 42 }, { body: { a: 1 } }, { body: null }, {}, null, undefined, 'body']) {
      expect(bodyOf(outcome({ result })), JSON.stringify(result)).to.equal(undefined);
    }
  });
});

describe('routeInvoker', () => {
  const identity = { apiId: 'local', stage: 'dev', domainName: 'localhost:3001' };
  const connection = fakeConnection({ connectionId: 'conn=' });

  /** Functions by logical id, each with a stub `invoke` answering `answer`. */
  function functionsAnswering(answer: Outcome, waiting = 0) {
    const invoke = sinon.stub<Parameters<LocalFunction['invoke']>, Promise<Outcome>>().resolves(answer);
    const functions = {
      get: (id: string) => (id === 'broadcastFunction' || id === 'disconnectFunction' ? ({ invoke, waiting } as unknown as LocalFunction) : undefined),
    };
    return { functions: functions as unknown as LocalFunctions, invoke };
  }

  it('runs the route’s function with the event and reports the outcome', async () => {
    const { functions, invoke } = functionsAnswering(outcome({ result: { statusCode: 201 } }, 12));
    const report = sinon.spy<(outcome: InvocationOutcome) => void>(() => {});
    const event = messageEvent(identity, connection, 'broadcast', '{}');
    const answer = await routeInvoker(functions, report)(route('broadcast'), event);
    expect(answer).to.deep.include({ ok: true, result: { statusCode: 201 } });
    expect(invoke.calledOnceWithExactly(event, { priority: false })).to.equal(true);
    expect(report.firstCall.args[0]).to.deep.equal({
      kind: 'route',
      function: 'broadcastFunction',
      route: 'broadcast',
      connectionId: 'conn=',
      requestId: 'req-1',
      status: 201,
      invoked: true,
      durationMs: 12,
      cpuMs: 2,
    });
  });

  it('runs $disconnect ahead of queued messages (priority)', async () => {
    const { functions, invoke } = functionsAnswering(outcome({ result: null }));
    await routeInvoker(functions, () => {})(route('$disconnect', { functionId: 'disconnectFunction' }), messageEvent(identity, connection, '$disconnect', ''));
    expect(invoke.firstCall.args[1]).to.deep.equal({ priority: true });
  });

  it('reports the work a handler left pending when it returned', async () => {
    const { functions } = functionsAnswering({ ...outcome({ result: null }), pending: ['Timeout'] });
    const report = sinon.spy<(outcome: InvocationOutcome) => void>(() => {});
    await routeInvoker(functions, report)(route('broadcast'), messageEvent(identity, connection, 'broadcast', ''));
    expect(report.firstCall.args[0].pending).to.deep.equal(['Timeout']);
  });

  it('reports a failure with its error and status 500, without cpuMs when the handler gave none', async () => {
    const { functions } = functionsAnswering(FAILED);
    const report = sinon.spy<(outcome: InvocationOutcome) => void>(() => {});
    const answer = await routeInvoker(functions, report)(route('broadcast'), messageEvent(identity, connection, 'broadcast', ''));
    expect(answer.ok).to.equal(false);
    const reported = report.firstCall.args[0];
    expect(reported).to.include({ status: 500, invoked: true });
    expect(reported.error).to.deep.equal({ name: 'Sandbox.Timedout', message: 'Task timed out after 3.00 seconds' });
    expect(reported).to.not.have.property('cpuMs');
  });

  describe('the integration timeout', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });
    afterEach(() => clock.restore());

    /** Functions whose `invoke` answers only when `finish` is called. */
    function functionsHolding() {
      let finish: (outcome: Outcome) => void = () => {};
      const invoke = sinon.stub<Parameters<LocalFunction['invoke']>, Promise<Outcome>>().callsFake(() => new Promise((done) => (finish = done)));
      const functions = { get: () => ({ invoke }) as unknown as LocalFunction } as unknown as LocalFunctions;
      return { functions, finish: (answer: Outcome) => finish(answer) };
    }

    it('answers Endpoint request timed out at the route’s TimeoutInMillis; the function runs on and is reported when it ends', async () => {
      const { functions, finish } = functionsHolding();
      const report = sinon.spy<(outcome: InvocationOutcome) => void>(() => {});
      const answering = routeInvoker(functions, report)(route('broadcast', { integrationTimeoutMs: 50 }), messageEvent(identity, connection, 'broadcast', ''));
      let settled = false;
      void answering.then(() => (settled = true));
      await clock.tickAsync(49);
      expect(settled).to.equal(false);
      await clock.tickAsync(1);
      const answer = await answering;
      expect(answer).to.deep.include({
        ok: false,
        error: { name: 'IntegrationTimeout', message: 'Endpoint request timed out' },
        ms: 50,
        integrationTimedOut: true,
      });
      expect(report.callCount).to.equal(0);
      finish(outcome({ result: { statusCode: 200 } }, 900));
      const ended = await (answer as { running: Promise<Outcome> }).running;
      expect(ended.ok).to.equal(true);
      expect(report.firstCall.args[0]).to.include({
        status: 200,
        durationMs: 900,
        reason: 'the integration timed out after 50 ms: API Gateway had answered without this result',
      });
    });

    it('passes on an answer that comes in time, and leaves no timer behind', async () => {
      const { functions, finish } = functionsHolding();
      const answering = routeInvoker(functions, () => {})(
        route('broadcast', { integrationTimeoutMs: 29_000 }),
        messageEvent(identity, connection, 'broadcast', ''),
      );
      await clock.tickAsync(28_999);
      finish(outcome({ result: { statusCode: 200 } }));
      expect(await answering).to.deep.include({ ok: true });
      expect(clock.countTimers()).to.equal(0);
    });

    it('on $connect, stands for 502 (the handshake is refused)', async () => {
      const { functions } = functionsHolding();
      const answering = routeInvoker(functions, () => {})(route('$connect', { integrationTimeoutMs: 50 }), messageEvent(identity, connection, '$connect', ''));
      await clock.tickAsync(50);
      expect(statusOf(await answering, '$connect')).to.equal(502);
    });
  });

  it('throttles a route’s invocation when its function already has the most invocations waiting, but never $disconnect', async () => {
    const { functions, invoke } = functionsAnswering(outcome({ result: null }), MAX_QUEUED_INVOCATIONS);
    const report = sinon.spy();
    const answer = await routeInvoker(functions, report)(route('broadcast'), messageEvent(identity, connection, 'broadcast', ''));
    expect(answer).to.deep.include({ ok: false, error: { name: 'TooManyRequestsException', message: 'Rate Exceeded.' } });
    expect(invoke.callCount).to.equal(0);
    expect(report.firstCall.args[0]).to.include({ status: 500 });
    await routeInvoker(functions, report)(route('$disconnect', { functionId: 'disconnectFunction' }), messageEvent(identity, connection, '$disconnect', ''));
    expect(invoke.callCount).to.equal(1);
  });

  it('rejects with FunctionNotRunningError when the route’s function is not running, and reports nothing', async () => {
    const { functions } = functionsAnswering(FAILED);
    const report = sinon.spy();
    const failure = await routeInvoker(functions, report)(route('echo'), messageEvent(identity, connection, 'echo', '')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(FunctionNotRunningError).and.include({ code: 'function_not_running' });
    expect((failure as Error).message).to.include('echoFunction');
    expect(report.callCount).to.equal(0);
  });
});

describe('gatewayFrame', () => {
  it('writes the frame byte for byte as AWS does (a space after "message": only)', () => {
    expect(gatewayFrame('Endpoint request timed out', 'Llf4ceE2NjMCF7w=', 'Llf7PFSNNjMFZeA=')).to.equal(
      '{"message": "Endpoint request timed out", "connectionId":"Llf4ceE2NjMCF7w=", "requestId":"Llf7PFSNNjMFZeA="}',
    );
  });

  it('is API Gateway’s JSON frame: message, connectionId, requestId', () => {
    expect(JSON.parse(gatewayFrame('Forbidden', 'conn=', 'req='))).to.deep.equal({ message: 'Forbidden', connectionId: 'conn=', requestId: 'req=' });
    expect(JSON.parse(gatewayFrame('Internal server error', 'a"b', 'c\\d'))).to.deep.equal({
      message: 'Internal server error',
      connectionId: 'a"b',
      requestId: 'c\\d',
    });
  });
});
