import { expect } from 'chai';
import sinon from 'sinon';
import type { LocalIam } from '../../../src/iam/authority.js';
import { guard, type Access } from '../../../src/iam/guard.js';
import type { ReceivedRequest } from '../../../src/iam/signature.js';
import { recordingIam } from '../../helpers/iam.js';
import { signedRequest } from '../../helpers/sigv4.js';

const ALLOWED = 'arn:aws:execute-api:us-east-1:000000000000:api/dev/POST/@connections/a';
const DENIED = 'arn:aws:execute-api:us-east-1:000000000000:api/dev/DELETE/@connections/a';
const policies = new Map([
  [
    'BroadcastFunction',
    [
      { effect: 'Allow' as const, actions: ['execute-api:ManageConnections'], resources: ['arn:aws:execute-api:us-east-1:000000000000:api/dev/*'] },
      { effect: 'Deny' as const, actions: ['execute-api:ManageConnections'], resources: [DENIED] },
    ],
  ],
]);
// Statuses no service uses, so each test sees which of the two a refusal took.
const DENIED_ANSWER = { error: 'ForbiddenException' as const, status: 418 };
const SIGNATURE_STATUS = 401;

describe('local/iam/guard', () => {
  let iam: LocalIam;
  let function_: { accessKeyId: string; secretAccessKey: string };
  beforeEach(() => {
    ({ iam } = recordingIam(policies));
    function_ = iam.credentialsOf('BroadcastFunction');
  });

  /** Guards `request` for execute-api with `accesses`, and says whether they were read. */
  async function check(request: ReceivedRequest, accesses: Access[] = [{ action: 'execute-api:ManageConnections', resource: ALLOWED }]) {
    const accessesOf = sinon.spy(() => accesses);
    const result = await guard(iam, request, 'execute-api', DENIED_ANSWER, SIGNATURE_STATUS, accessesOf);
    return { result, accessesRead: accessesOf.called };
  }

  it('lets a function through when its policy allows every access, and says who it was', async () => {
    const decide = sinon.spy(iam, 'decide');
    const other = { action: 'execute-api:ManageConnections', resource: ALLOWED.replace('/a', '/b') };
    const { result } = await check(await signedRequest({ credentials: function_ }), [{ action: 'execute-api:ManageConnections', resource: ALLOWED }, other]);
    expect(result).to.deep.equal({ allowed: true, caller: { kind: 'function', logicalId: 'BroadcastFunction' } });
    expect(decide.args).to.deep.equal([
      ['BroadcastFunction', 'execute-api:ManageConnections', ALLOWED],
      ['BroadcastFunction', 'execute-api:ManageConnections', other.resource],
    ]);
  });

  it('refuses an unsigned request with the missing-token error and the signature status, reading no access', async () => {
    const { result, accessesRead } = await check({ method: 'POST', url: '/dev/@connections/a', headers: { authorization: 'Bearer x' }, body: Buffer.alloc(0) });
    expect(result).to.deep.equal({
      allowed: false,
      refusal: { service: 'execute-api', error: 'MissingAuthenticationTokenException', status: SIGNATURE_STATUS, reason: 'the request is not signed' },
    });
    expect(accessesRead).to.equal(false);
  });

  it('lets anyone else’s credentials through as an administrator’s, unchecked', async () => {
    const { result, accessesRead } = await check(await signedRequest({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' } }));
    expect(result).to.deep.equal({ allowed: true, caller: { kind: 'administrator' } });
    expect(accessesRead).to.equal(false);
  });

  it('refuses a function’s key id signed with another secret, naming the function', async () => {
    const { result, accessesRead } = await check(await signedRequest({ credentials: { ...function_, secretAccessKey: 'guessed' } }));
    expect(result).to.deep.equal({
      allowed: false,
      refusal: {
        service: 'execute-api',
        function: 'BroadcastFunction',
        error: 'InvalidSignatureException',
        status: SIGNATURE_STATUS,
        reason: 'the signature does not match',
      },
    });
    expect(accessesRead).to.equal(false);
  });

  it('refuses a valid signature scoped to another service', async () => {
    const { result, accessesRead } = await check(await signedRequest({ credentials: function_, service: 'dynamodb' }));
    expect(result).to.deep.equal({
      allowed: false,
      refusal: {
        service: 'execute-api',
        function: 'BroadcastFunction',
        error: 'InvalidSignatureException',
        status: SIGNATURE_STATUS,
        reason: 'the credential is scoped to dynamodb, not execute-api',
        message: "Credential should be scoped to correct service: 'execute-api'. ",
      },
    });
    expect(accessesRead).to.equal(false);
  });

  it('refuses at the first access no policy allows, with the denied answer and that access', async () => {
    const outside = 'arn:aws:execute-api:us-east-1:000000000000:api/prod/POST/@connections/a';
    const { result } = await check(await signedRequest({ credentials: function_ }), [
      { action: 'execute-api:ManageConnections', resource: ALLOWED },
      { action: 'execute-api:ManageConnections', resource: outside },
      { action: 'execute-api:Invoke', resource: ALLOWED },
    ]);
    expect(result).to.deep.equal({
      allowed: false,
      refusal: {
        service: 'execute-api',
        function: 'BroadcastFunction',
        action: 'execute-api:ManageConnections',
        resource: outside,
        error: DENIED_ANSWER.error,
        status: DENIED_ANSWER.status,
        reason: 'no identity-based policy allows it',
      },
    });
  });

  it('says so when an explicit deny refused it', async () => {
    const { result } = await check(await signedRequest({ credentials: function_ }), [{ action: 'execute-api:ManageConnections', resource: DENIED }]);
    expect(result).to.have.nested.property('refusal.reason', 'explicit deny');
  });
});
