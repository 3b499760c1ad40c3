/** When a signature holds (issue 30 item 8, issue 32 item 8): AWS's windows, the scope's date, presigned URLs, and keys off loopback. */
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { foreignKeysAccepted, isLoopbackHost, LocalIam } from '../../../src/iam/authority.js';
import { guard } from '../../../src/iam/guard.js';
import { presignedParts } from '../../../src/iam/presigned.js';
import type { IamRefusal } from '../../../src/iam/refusal.js';
import { SignatureVerifier, type ReceivedRequest } from '../../../src/iam/signature.js';
import { amzDateText, signatureTimeProblem } from '../../../src/iam/signature-time.js';
import { signedRequest } from '../../helpers/sigv4.js';

const NOW = Date.parse('2026-12-04T10:21:38Z');

describe('local/iam/signature-time', () => {
  it('refuses an X-Amz-Date outside the service’s window, in AWS’s words', () => {
    expect(signatureTimeProblem('20261204T101637Z', '20261204', NOW, 5)).to.equal(
      'Signature expired: 20261204T101637Z is now earlier than 20261204T101638Z (20261204T102138Z - 5 min.)',
    );
    expect(signatureTimeProblem('20261204T101638Z', '20261204', NOW, 5)).to.equal(undefined);
    expect(signatureTimeProblem('20261204T100700Z', '20261204', NOW, 15)).to.equal(undefined);
    expect(signatureTimeProblem('20261204T100637Z', '20261204', NOW, 15)).to.match(/- 15 min\.\)$/);
    expect(signatureTimeProblem('20261204T102639Z', '20261204', NOW, 5)).to.equal(
      'Signature not yet current: 20261204T102639Z is still later than 20261204T102638Z (20261204T102138Z + 5 min.)',
    );
  });

  it('refuses a credential scope dated another day than X-Amz-Date', () => {
    expect(signatureTimeProblem('20261204T102100Z', '20261203', NOW, 5)).to.equal(
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261203' != '20261204', from '20261204T102100Z'.",
    );
  });

  it('holds a presigned URL to its X-Amz-Expires instead of the window', () => {
    expect(signatureTimeProblem('20261204T100000Z', '20261204', NOW, 5, 3600)).to.equal(undefined);
    expect(signatureTimeProblem('20261204T100000Z', '20261204', NOW, 5, 60)).to.match(/^Signature expired: 20261204T100000Z is now earlier than/);
    expect(amzDateText(NOW)).to.equal('20261204T102138Z');
  });

  it('reads a presigned URL’s parts, and nothing from a URL without them or with an expiry over 7 days', () => {
    const url =
      '/dev/@connections/a?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=K%2F20261204%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Date=20261204T102100Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=abc';
    expect(presignedParts(url)).to.deep.equal({
      accessKeyId: 'K',
      date: '20261204',
      region: 'us-east-1',
      service: 'execute-api',
      signedHeaders: ['host'],
      signature: 'abc',
      amzDate: '20261204T102100Z',
      expires: 60,
    });
    expect(presignedParts('/dev/@connections/a')).to.equal(undefined);
    expect(presignedParts(url.replace('X-Amz-Expires=60', 'X-Amz-Expires=604801'))).to.equal(undefined);
    expect(presignedParts(url.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'))).to.equal(undefined);
  });
});

describe('local/iam presigned @connections calls', () => {
  const KEY = { accessKeyId: 'LOCALFN-BroadcastFunction', secretAccessKey: 'the-secret' };
  const secretOf = (id: string) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined);
  const verifier = new SignatureVerifier();

  /** A GET @connections URL the SDK's signer presigned. */
  async function presigned(options: { expiresIn?: number; signingDate?: Date; method?: string; body?: string } = {}): Promise<ReceivedRequest> {
    const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 'execute-api', sha256: Sha256 });
    const method = options.method ?? 'GET';
    const request = new HttpRequest({
      method,
      hostname: '127.0.0.1',
      port: 3001,
      path: '/dev/@connections/abc%3D',
      headers: { host: '127.0.0.1:3001' },
      body: options.body,
    });
    const signed = await signer.presign(request, { expiresIn: options.expiresIn ?? 300, signingDate: options.signingDate });
    const query = new URLSearchParams(signed.query as Record<string, string>).toString();
    return { method, url: `${signed.path}?${query}`, headers: { host: '127.0.0.1:3001' }, body: Buffer.from(options.body ?? '') };
  }

  it('accepts what the SDK presigned (GET, and POST with its body), and refuses it changed or expired', async () => {
    expect(await verifier.check(await presigned(), secretOf, { windowMinutes: 5 })).to.deep.equal({
      kind: 'valid',
      accessKeyId: KEY.accessKeyId,
      service: 'execute-api',
      region: 'us-east-1',
    });
    expect((await verifier.check(await presigned({ method: 'POST', body: 'hello' }), secretOf, { windowMinutes: 5 })).kind).to.equal('valid');
    const original = await presigned();
    expect(await verifier.check({ ...original, url: original.url.replace('abc%3D', 'abd%3D') }, secretOf, { windowMinutes: 5 })).to.include({
      kind: 'invalid',
      reason: 'the signature does not match',
    });
    const old = await presigned({ expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
    expect(await verifier.check(old, secretOf, { windowMinutes: 5 })).to.include({ kind: 'invalid' });
  });
});

describe('local/iam keys off loopback', () => {
  it('takes 127.0.0.0/8, ::1 and localhost for loopback, and not 0.0.0.0, :: or a LAN address', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopbackHost(host), host).to.equal(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com']) expect(isLoopbackHost(host), host).to.equal(false);
    expect(foreignKeysAccepted('0.0.0.0', false)).to.equal(false);
    expect(foreignKeysAccepted('0.0.0.0', true)).to.equal(true);
    expect(foreignKeysAccepted('127.0.0.1', false)).to.equal(true);
  });

  it('gives DynamoDB its 15-minute window and status 400, and Lambda its 5 minutes', async () => {
    const iam = new LocalIam('enforce', { partition: 'aws', region: 'us-east-1', accountId: '000000000000' }, new Map([['Fn', []]]), () => {});
    const signedAgo = async (minutes: number, service: string) => {
      const signer = new SignatureV4({ credentials: iam.credentialsOf('Fn'), region: 'us-east-1', service, sha256: Sha256 });
      const request = new HttpRequest({ method: 'POST', hostname: '127.0.0.1', port: 8000, path: '/', headers: { host: '127.0.0.1:8000' }, body: '{}' });
      const signed = await signer.sign(request, { signingDate: new Date(Date.now() - minutes * 60_000) });
      return { method: 'POST', url: '/', headers: signed.headers, body: Buffer.from('{}') };
    };
    const denied = { error: 'AccessDeniedException' as const, status: 400 };
    const ten = await guard(iam, await signedAgo(10, 'dynamodb'), 'dynamodb', denied, 400, () => []);
    expect(ten).to.deep.include({ allowed: true });
    const sixteen = (await guard(iam, await signedAgo(16, 'dynamodb'), 'dynamodb', denied, 400, () => [])) as { refusal: IamRefusal };
    expect(sixteen.refusal).to.include({ error: 'InvalidSignatureException', status: 400 });
    expect(sixteen.refusal.message).to.match(/- 15 min\.\)$/);
    const six = (await guard(iam, await signedAgo(6, 'lambda'), 'lambda', { error: 'AccessDeniedException', status: 403 }, 403, () => [])) as {
      refusal: IamRefusal;
    };
    expect(six.refusal.message).to.match(/- 5 min\.\)$/);
  });

  it('refuses a key it did not issue with UnrecognizedClientException when administrator keys are off, and warns once of a function signing another region', async () => {
    const refusals: IamRefusal[] = [];
    const warnings: string[] = [];
    const scope = { partition: 'aws', region: 'us-east-1', accountId: '000000000000' };
    const policies = new Map([['Fn', [{ effect: 'Allow' as const, actions: ['*'], resources: ['*'] }]]]);
    const iam = new LocalIam(
      'enforce',
      scope,
      policies,
      (refusal) => refusals.push(refusal),
      foreignKeysAccepted('0.0.0.0', false),
      (line) => warnings.push(line),
    );
    const cli = await signedRequest({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' } });
    const result = await guard(iam, cli, 'execute-api', { error: 'ForbiddenException', status: 403 }, 403, () => []);
    expect(result).to.deep.include({ allowed: false });
    expect((result as { refusal: IamRefusal }).refusal).to.include({
      error: 'UnrecognizedClientException',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    const elsewhere = await signedRequest({ credentials: iam.credentialsOf('Fn'), region: 'eu-west-1' });
    for (let i = 0; i < 2; i++) {
      expect(await guard(iam, elsewhere, 'execute-api', { error: 'ForbiddenException', status: 403 }, 403, () => [])).to.deep.include({ allowed: true });
    }
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/Fn signed a execute-api call for region eu-west-1, not this twin's us-east-1/);
  });
});
