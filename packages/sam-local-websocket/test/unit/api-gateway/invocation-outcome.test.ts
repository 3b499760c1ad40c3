import { expect } from 'chai';
import { functionLogEntry, invocationLine, type InvocationOutcome } from '../../../src/api-gateway/invocation-outcome.js';

describe('invocation outcomes', () => {
  const base: InvocationOutcome = {
    kind: 'route',
    function: 'BroadcastFunction',
    route: 'broadcast',
    connectionId: 'abc=',
    status: 200,
    invoked: true,
    durationMs: 12,
  };

  it('prints a route line with status and time, or Lambda’s error', () => {
    expect(invocationLine(base)).to.equal('broadcast    abc=  200  12 ms');
    expect(invocationLine({ ...base, status: 500, error: { name: 'Sandbox.Timedout', message: 'Task timed out after 1.00 seconds' } })).to.equal(
      'broadcast    abc=  Sandbox.Timedout: Task timed out after 1.00 seconds  12 ms',
    );
  });

  it('prints the authorizer’s verdict, and a refusal before it ran', () => {
    const authorizer = { ...base, kind: 'authorizer', route: '$connect', function: 'AuthorizerFunction' } as const;
    expect(invocationLine(authorizer)).to.equal('authorizer   abc=  Allow  12 ms');
    expect(invocationLine({ ...authorizer, status: 403 })).to.equal('authorizer   abc=  403  12 ms');
    expect(invocationLine({ ...authorizer, status: 401, invoked: false, durationMs: 0 })).to.equal('authorizer   abc=  401 (no identity source)');
  });

  it('parses a function’s JSON log line into its record, and keeps any other line as it is', () => {
    expect(functionLogEntry('F', '{"level":"INFO","message":"hi"}').record).to.deep.equal({ level: 'INFO', message: 'hi' });
    expect(functionLogEntry('F', 'plain text')).to.deep.equal({ function: 'F', line: 'plain text' });
    expect(functionLogEntry('F', '{broken')).to.deep.equal({ function: 'F', line: '{broken' });
    expect(functionLogEntry('F', '[1,2]').record).to.equal(undefined);
  });
});
