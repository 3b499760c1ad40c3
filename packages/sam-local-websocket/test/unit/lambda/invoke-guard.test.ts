import { expect } from 'chai';
import type { LocalIam } from '../../../src/iam/authority.js';
import { invokeGuard } from '../../../src/lambda/invoke-api/invoke-guard.js';
import type { IamRefusal } from '../../../src/iam/refusal.js';
import { incomingRequest } from '../../helpers/fake-http.js';
import { recordingIam } from '../../helpers/iam.js';
import { signedRequest, type SigningOptions } from '../../helpers/sigv4.js';

const WORKER = 'arn:aws:lambda:us-east-1:000000000000:function:Worker';
const SECRET_WORKER = 'arn:aws:lambda:us-east-1:000000000000:function:WorkerSecret';
const policies = new Map([
  [
    'BroadcastFunction',
    [
      { effect: 'Allow' as const, actions: ['lambda:InvokeFunction'], resources: [`${WORKER}*`] },
      { effect: 'Deny' as const, actions: ['lambda:InvokeFunction'], resources: [SECRET_WORKER] },
    ],
  ],
]);
const PRINCIPAL = 'arn:aws:sts::000000000000:assumed-role/BroadcastFunctionRole/BroadcastFunction';

describe('local/iam/invoke-guard', () => {
  let refusals: IamRefusal[];
  let iam: LocalIam;
  beforeEach(() => ({ iam, refusals } = recordingIam(policies)));

  /** Runs the guard on an Invoke of `functionArn` signed for lambda with `options` (the function's credentials unless given). */
  async function invoke(functionArn: string, options: Partial<SigningOptions> = {}) {
    const path = `/2015-03-31/functions/${encodeURIComponent(functionArn)}/invocations`;
    const received = await signedRequest({ credentials: iam.credentialsOf('BroadcastFunction'), service: 'lambda', path, body: '{}', ...options });
    return invokeGuard(iam)(incomingRequest(received), received.body, functionArn);
  }

  it('lets an allowed Invoke on (undefined), reporting nothing', async () => {
    expect(await invoke(WORKER)).to.equal(undefined);
    expect(await invoke(`${WORKER}:live`)).to.equal(undefined);
    expect(refusals).to.deep.equal([]);
  });

  it('lets anyone else’s credentials on', async () => {
    expect(await invoke(SECRET_WORKER, { credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' } })).to.equal(undefined);
  });

  it('refuses a function without a policy for the target with Lambda’s AccessDeniedException wording', async () => {
    const other = 'arn:aws:lambda:us-east-1:000000000000:function:Other';
    expect(await invoke(other)).to.deep.equal({
      type: 'AccessDeniedException',
      status: 403,
      message: `User: ${PRINCIPAL} is not authorized to perform: lambda:InvokeFunction on resource: ${other} because no identity-based policy allows the lambda:InvokeFunction action`,
    });
    expect(refusals).to.deep.equal([
      {
        service: 'lambda',
        function: 'BroadcastFunction',
        action: 'lambda:InvokeFunction',
        resource: other,
        error: 'AccessDeniedException',
        status: 403,
        reason: 'no identity-based policy allows it',
      },
    ]);
  });

  it('words an explicit deny as AWS does', async () => {
    expect((await invoke(SECRET_WORKER))?.message).to.equal(
      `User: ${PRINCIPAL} is not authorized to perform: lambda:InvokeFunction on resource: ${SECRET_WORKER} because of an explicit deny in an identity-based policy`,
    );
  });

  it('refuses an unsigned Invoke with 403 Missing Authentication Token', async () => {
    const request = incomingRequest({ method: 'POST', url: '/2015-03-31/functions/Worker/invocations', headers: {} });
    expect(await invokeGuard(iam)(request, Buffer.from('{}'), WORKER)).to.deep.equal({
      type: 'MissingAuthenticationTokenException',
      status: 403,
      message: 'Missing Authentication Token',
    });
    expect(refusals).to.have.length(1);
  });

  it('refuses a signature made with another secret (the mismatch message), or for another service (AWS’s scope message)', async () => {
    const guessed = await invoke(WORKER, { credentials: { accessKeyId: 'LOCALFN-BroadcastFunction', secretAccessKey: 'guessed' } });
    const forApiGateway = await invoke(WORKER, { service: 'execute-api' });
    for (const refusal of [guessed, forApiGateway]) expect(refusal).to.include({ type: 'InvalidSignatureException', status: 403 });
    expect(guessed?.message).to.match(/^The request signature we calculated does not match the signature you provided\./);
    expect(forApiGateway?.message).to.equal("Credential should be scoped to correct service: 'lambda'. ");
    expect(refusals.map((refusal) => refusal.reason)).to.deep.equal(['the signature does not match', 'the credential is scoped to execute-api, not lambda']);
  });

  it('checks the body it is given against the signature', async () => {
    const received = await signedRequest({ credentials: iam.credentialsOf('BroadcastFunction'), service: 'lambda', body: '{"a":1}' });
    const refusal = await invokeGuard(iam)(incomingRequest(received), Buffer.from('{"a":2}'), WORKER);
    expect(refusal).to.include({ type: 'InvalidSignatureException' });
  });
});
