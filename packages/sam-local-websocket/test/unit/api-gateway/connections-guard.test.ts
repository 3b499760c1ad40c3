import { expect } from 'chai';
import type { LocalIam } from '../../../src/iam/authority.js';
import { connectionsGuard } from '../../../src/api-gateway/connections-guard.js';
import type { IamRefusal } from '../../../src/iam/refusal.js';
import { fakeResponse, incomingRequest } from '../../helpers/fake-http.js';
import { recordingIam } from '../../helpers/iam.js';
import { signedRequest, type SigningOptions } from '../../helpers/sigv4.js';

const CONNECTIONS = 'arn:aws:execute-api:eu-north-1:000000000000:api1/dev';
const policies = new Map([
  ['BroadcastFunction', [{ effect: 'Allow' as const, actions: ['execute-api:ManageConnections'], resources: [`${CONNECTIONS}/POST/@connections/*`] }]],
]);
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

describe('local/iam/connections-guard', () => {
  let refusals: IamRefusal[];
  let iam: LocalIam;
  beforeEach(() => ({ iam, refusals } = recordingIam(policies, { partition: 'aws', region: 'eu-north-1', accountId: '000000000000' })));

  /** Runs the guard on a request signed with `options` (the function's credentials unless given). */
  async function guarded(options: Partial<SigningOptions> = {}, connectionId = 'abc=') {
    const received = await signedRequest({ credentials: iam.credentialsOf('BroadcastFunction'), ...options });
    const request = incomingRequest(received);
    const answer = fakeResponse();
    const body = await connectionsGuard(iam, { apiId: 'api1', stage: 'dev' })(request, answer.response, connectionId);
    return { body, answer, request };
  }

  it('lets an allowed call on, with its body, answering nothing', async () => {
    const { body, answer } = await guarded({ body: 'to the client' });
    expect(body).to.deep.equal(Buffer.from('to the client'));
    expect(answer.writeHead.called || answer.end.called).to.equal(false);
    expect(refusals).to.deep.equal([]);
  });

  it('lets anyone else’s credentials on, as an administrator’s', async () => {
    const { body } = await guarded({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }, method: 'DELETE', body: '' });
    expect(body).to.deep.equal(Buffer.alloc(0));
  });

  it('refuses an unsigned call with 403 Missing Authentication Token, before reading its body', async () => {
    const request = incomingRequest({ method: 'POST', url: '/dev/@connections/abc%3D', headers: { authorization: 'Bearer token' }, body: 'x'.repeat(200_000) });
    const answer = fakeResponse();
    expect(await connectionsGuard(iam, { apiId: 'api1', stage: 'dev' })(request, answer.response, 'abc=')).to.equal(undefined);
    expect(answer.writeHead.firstCall.args).to.deep.equal([
      403,
      { 'content-type': 'application/json', 'x-amzn-errortype': 'MissingAuthenticationTokenException' },
    ]);
    expect(JSON.parse(answer.body())).to.deep.equal({ message: 'Missing Authentication Token' });
    expect(refusals).to.deep.equal([
      { service: 'execute-api', error: 'MissingAuthenticationTokenException', status: 403, reason: 'the request is not signed' },
    ]);
    expect(request.readableFlowing).to.equal(true); // drained, not read: 200 KB is past the payload limit
  });

  it('refuses a body past 128 KB with 413, as the @connections API does', async () => {
    const { body, answer } = await guarded({ body: 'x'.repeat(128 * 1024 + 1) });
    expect(body).to.equal(undefined);
    expect(answer.writeHead.firstCall.args).to.deep.equal([413, { 'content-type': 'application/json', 'x-amzn-errortype': 'PayloadTooLargeException' }]);
    expect(refusals).to.deep.equal([]);
  });

  it('takes a body of exactly 128 KB', async () => {
    expect((await guarded({ body: 'x'.repeat(128 * 1024) })).body).to.have.length(128 * 1024);
  });

  it('refuses a call on a resource the policy does not name with 403 Forbidden, reporting the method and connection in the ARN', async () => {
    const { body, answer } = await guarded({ method: 'DELETE', body: '' }, 'abc=');
    expect(body).to.equal(undefined);
    expect(answer.writeHead.firstCall.args).to.deep.equal([403, { 'content-type': 'application/json', 'x-amzn-errortype': 'ForbiddenException' }]);
    expect(JSON.parse(answer.body())).to.deep.equal({ message: 'Forbidden' });
    expect(refusals).to.deep.equal([
      {
        service: 'execute-api',
        function: 'BroadcastFunction',
        action: 'execute-api:ManageConnections',
        resource: `${CONNECTIONS}/DELETE/@connections/abc=`,
        error: 'ForbiddenException',
        status: 403,
        reason: 'no identity-based policy allows it',
      },
    ]);
  });

  it('refuses a signature made with another secret with AWS’s mismatch message', async () => {
    const { body, answer } = await guarded({ credentials: { accessKeyId: 'LOCALFN-BroadcastFunction', secretAccessKey: 'guessed' } });
    expect(body).to.equal(undefined);
    expect(answer.writeHead.firstCall.args[1]).to.include({ 'x-amzn-errortype': 'InvalidSignatureException' });
    expect(JSON.parse(answer.body())).to.deep.equal({ message: MISMATCH });
    expect(refusals).to.have.length(1);
  });
});
