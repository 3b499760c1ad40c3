import { expect } from 'chai';
import { checkSignature, signatureParts, type ReceivedRequest } from '../../../../local/iam/signature.js';
import { signedRequest, type SigningOptions } from '../../../helpers/sigv4.js';

const KEY = { accessKeyId: 'LOCALFN-BroadcastFunction', secretAccessKey: 'the-secret' };
const secretOf = (accessKeyId: string) => (accessKeyId === KEY.accessKeyId ? KEY.secretAccessKey : undefined);

/** Signs as the SDK does, with the issued key unless told otherwise. */
const signed = (options: Partial<SigningOptions> = {}) => signedRequest({ credentials: KEY, ...options });

describe('local/iam/signature', () => {
  it('reads the parts of a SigV4 Authorization header, and nothing else', () => {
    expect(signatureParts('AWS4-HMAC-SHA256 Credential=AKID/20261129/eu-north-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc')).to.deep.equal({
      accessKeyId: 'AKID',
      date: '20261129',
      region: 'eu-north-1',
      service: 'execute-api',
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'abc',
    });
    expect(signatureParts(undefined)).to.equal(undefined);
    expect(signatureParts('Bearer token')).to.equal(undefined);
    expect(signatureParts('AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/aws4_request, SignedHeaders=host, Signature=a')).to.equal(undefined);
    expect(signatureParts('AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/s/aws4_request')).to.equal(undefined);
  });

  it('accepts what the SDK signed with the issued secret', async () => {
    expect(await checkSignature(await signed(), secretOf)).to.deep.equal({ kind: 'valid', accessKeyId: KEY.accessKeyId });
    expect((await checkSignature(await signed({ query: { a: 'b c', z: '1' } }), secretOf)).kind).to.equal('valid');
    expect((await checkSignature(await signed({ applyChecksum: true }), secretOf)).kind).to.equal('valid');
  });

  it('refuses the issued key id signed with another secret', async () => {
    const check = await checkSignature(await signed({ credentials: { ...KEY, secretAccessKey: 'guess' } }), secretOf);
    expect(check).to.deep.equal({ kind: 'invalid', accessKeyId: KEY.accessKeyId, reason: 'the signature does not match' });
  });

  it('refuses a signed request changed on the way: body, path, query or a signed header', async () => {
    const original = await signed({ query: { a: '1' } });
    const changes: ReceivedRequest[] = [
      { ...original, body: Buffer.from('hellO') },
      { ...original, url: original.url.replace('abc%3D', 'abd%3D') },
      { ...original, url: original.url.replace('a=1', 'a=2') },
      { ...original, headers: { ...original.headers, 'content-type': 'text/plain' } },
    ];
    for (const changed of changes) expect((await checkSignature(changed, secretOf)).kind).to.equal('invalid');
  });

  it('refuses a payload hash header that is not the body’s', async () => {
    const request = await signed({ applyChecksum: true });
    const check = await checkSignature({ ...request, body: Buffer.from('other') }, secretOf);
    expect(check).to.include({ kind: 'invalid', reason: 'X-Amz-Content-Sha256 is not the hash of the body' });
  });

  it('refuses a signature without a signed date or host', async () => {
    const request = await signed();
    const withoutDate = { ...request.headers };
    delete withoutDate['x-amz-date'];
    expect(await checkSignature({ ...request, headers: withoutDate }, secretOf)).to.include({ kind: 'invalid', reason: 'no signed X-Amz-Date' });
    const authorization = String(request.headers.authorization).replace('SignedHeaders=content-type;host;', 'SignedHeaders=content-type;');
    expect(await checkSignature({ ...request, headers: { ...request.headers, authorization } }, secretOf)).to.include({ kind: 'invalid', reason: 'the Host header is not signed' });
  });

  it('calls an unsigned request unsigned, and leaves anyone else’s key id unchecked', async () => {
    expect(await checkSignature({ method: 'POST', url: '/dev/@connections/a', headers: {}, body: Buffer.alloc(0) }, secretOf)).to.deep.equal({ kind: 'unsigned' });
    const cli = await signed({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'anything' } });
    expect(await checkSignature(cli, secretOf)).to.deep.equal({ kind: 'foreign', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
  });
});
