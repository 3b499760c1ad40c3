import { expect } from 'chai';
import { AUTHORIZER_RESULT_MAX_BYTES, judgeAuthorizerAnswer } from '../../../src/api-gateway/authorizer-policy.js';

const ARN = 'arn:aws:execute-api:eu-north-1:123456789012:abc123/dev/$connect';

/** An answer with these statements (and optional context). */
const answer = (statement: unknown, context?: unknown) => ({
  principalId: 'user-1',
  policyDocument: { Version: '2012-10-17', Statement: statement },
  ...(context === undefined ? {} : { context }),
});
const allow = (Resource: unknown, Action: unknown = 'execute-api:Invoke') => ({ Effect: 'Allow', Action, Resource });
const deny = (Resource: unknown, Action: unknown = 'execute-api:Invoke') => ({ Effect: 'Deny', Action, Resource });
const statusOf = (value: unknown) => judgeAuthorizerAnswer(value, ARN).status;

describe('judgeAuthorizerAnswer', () => {
  describe('the policy, evaluated against the route’s method ARN', () => {
    it('allows only an Allow whose Resource matches the ARN, with IAM’s wildcards', () => {
      for (const resource of [
        ARN,
        '*',
        'arn:aws:execute-api:eu-north-1:123456789012:abc123/*',
        'arn:aws:execute-api:*:*:abc123/dev/$connect',
        'arn:aws:execute-api:eu-north-1:123456789012:abc123/de?/$connect',
      ]) {
        expect(statusOf(answer([allow(resource)])), resource).to.equal(200);
      }
      for (const resource of [
        'arn:aws:execute-api:eu-north-1:123456789012:abc123/prod/$connect',
        'arn:aws:execute-api:eu-north-1:123456789012:other/*',
        'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/$connect',
        'arn:aws:execute-api:eu-north-1:123456789012:abc123/dev/$CONNECT',
        'arn:aws:execute-api:eu-north-1:123456789012:abc123/d?/$connect',
      ]) {
        expect(judgeAuthorizerAnswer(answer([allow(resource)]), ARN), resource).to.deep.equal({ status: 403, reason: `no Allow covers ${ARN}` });
      }
    });

    it('needs the Allow to cover execute-api:Invoke (any case, wildcards)', () => {
      for (const action of ['execute-api:Invoke', 'EXECUTE-API:invoke', 'execute-api:*', '*', ['s3:GetObject', 'execute-api:Inv*']]) {
        expect(statusOf(answer([allow('*', action)])), JSON.stringify(action)).to.equal(200);
      }
      for (const action of ['execute-api:ManageConnections', 's3:*', ['dynamodb:*']]) {
        expect(statusOf(answer([allow('*', action)])), JSON.stringify(action)).to.equal(403);
      }
    });

    it('lets an explicit Deny win over any Allow, in any order', () => {
      expect(judgeAuthorizerAnswer(answer([allow('*'), deny(ARN)]), ARN)).to.deep.equal({ status: 403, reason: `an explicit Deny covers ${ARN}` });
      expect(statusOf(answer([deny('*'), allow(ARN)]))).to.equal(403);
      // A Deny of another route does not touch this one.
      expect(statusOf(answer([allow('*'), deny('arn:aws:execute-api:eu-north-1:123456789012:abc123/prod/*')]))).to.equal(200);
    });

    it('takes IAM’s grammar: a single-object Statement, string or list Action and Resource', () => {
      expect(statusOf(answer(allow(ARN)))).to.equal(200);
      expect(statusOf(answer(deny(ARN)))).to.equal(403);
      expect(statusOf(answer([allow(['arn:aws:execute-api:eu-north-1:123456789012:other/*', ARN], ['execute-api:Invoke'])]))).to.equal(200);
    });

    it('refuses what is no policy with a configuration error (500), saying why', () => {
      const cases: [unknown, string][] = [
        [answer([]), 'policyDocument has no Statement'],
        [answer(undefined), 'policyDocument has no Statement'],
        [answer(['Allow']), 'Statement 0 is not an object'],
        [answer([{ Effect: 'allow', Action: 'execute-api:Invoke', Resource: '*' }]), 'Statement 0: Effect must be "Allow" or "Deny"'],
        [answer([allow('*'), { Effect: 'Allow', Resource: '*' }]), 'Statement 1: Action must be a string or a list of strings'],
        [answer([allow(undefined)]), 'Statement 0: Resource must be a string or a list of strings'],
        [answer([allow([])]), 'Statement 0: Resource must be a string or a list of strings'],
        [answer([allow([ARN, 7])]), 'Statement 0: Resource must be a string or a list of strings'],
        [{ principalId: 'u', policyDocument: 'Allow' }, 'policyDocument is missing or not an object'],
        [{ policyDocument: { Statement: [allow('*')] } }, 'principalId is missing'],
        [{ principalId: '', policyDocument: { Statement: [allow('*')] } }, 'principalId is missing'],
        [null, 'the authorizer did not answer with an object'],
        [[allow('*')], 'the authorizer did not answer with an object'],
      ];
      for (const [value, reason] of cases) expect(judgeAuthorizerAnswer(value, ARN), JSON.stringify(value)).to.deep.equal({ status: 500, reason });
    });
  });

  describe('the context', () => {
    it('reaches the routes as AWS passes it: numbers and booleans as strings, null kept, undefined keys gone, principalId added', () => {
      const verdict = judgeAuthorizerAnswer(answer([allow('*')], { str: 'hello', num: 123, bool: true, nothing: null, missing: undefined }), ARN);
      expect(verdict).to.deep.equal({ status: 200, authorizer: { str: 'hello', num: '123', bool: 'true', nothing: null, principalId: 'user-1' } });
    });

    it('refuses an object or array value with a configuration error (500), naming the key', () => {
      expect(judgeAuthorizerAnswer(answer([allow('*')], { user: { id: 3 } }), ARN)).to.deep.equal({
        status: 500,
        reason: 'context.user is an object: values must be strings, numbers or booleans',
      });
      expect(judgeAuthorizerAnswer(answer([allow('*')], { roles: ['a'] }), ARN)).to.deep.equal({
        status: 500,
        reason: 'context.roles is an array: values must be strings, numbers or booleans',
      });
      expect(statusOf(answer([allow('*')], 'ctx'))).to.equal(500);
      // A malformed answer is a 500 whatever its policy says.
      expect(statusOf(answer([deny('*')], { user: {} }))).to.equal(500);
    });

    it('applies the 8 KB quota of an authorizer’s result', () => {
      const base = JSON.stringify(answer([allow('*')], { pad: '' })).length;
      const fits = answer([allow('*')], { pad: 'x'.repeat(AUTHORIZER_RESULT_MAX_BYTES - base) });
      expect(statusOf(fits)).to.equal(200);
      const over = answer([allow('*')], { pad: 'x'.repeat(AUTHORIZER_RESULT_MAX_BYTES - base + 1) });
      expect(judgeAuthorizerAnswer(over, ARN)).to.deep.equal({
        status: 500,
        reason: `the answer is ${AUTHORIZER_RESULT_MAX_BYTES + 1} bytes, over the 8192-byte quota`,
      });
    });
  });
});
