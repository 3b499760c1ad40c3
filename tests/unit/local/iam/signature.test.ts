import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { cachedSigningKeys, checkSignature, signatureParts, SIGNING_KEY_CACHE_SIZE, signingKeyFor, type ReceivedRequest } from '../../../../packages/sam-local-websocket/src/iam/signature.js';
import { signedRequest, type SigningOptions } from '../../../helpers/sigv4.js';

const KEY = { accessKeyId: 'LOCALFN-BroadcastFunction', secretAccessKey: 'the-secret' };
const secretOf = (accessKeyId: string) => (accessKeyId === KEY.accessKeyId ? KEY.secretAccessKey : undefined);

/** Signs as the SDK does, with the issued key unless told otherwise. */
const signed = (options: Partial<SigningOptions> = {}) => signedRequest({ credentials: KEY, ...options });

/** A `@connections` POST the SDK's signer signed with the issued key at `signingDate`. */
async function signedAt(signingDate: Date): Promise<ReceivedRequest> {
  const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 'execute-api', sha256: Sha256 });
  const headers = { host: '127.0.0.1:3001', 'content-type': 'application/octet-stream' };
  const request = new HttpRequest({ method: 'POST', hostname: '127.0.0.1', port: 3001, path: '/dev/@connections/abc%3D', headers, body: 'hello' });
  return { method: 'POST', url: request.path, headers: (await signer.sign(request, { signingDate })).headers, body: Buffer.from('hello') };
}

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
    // Fields are trimmed, the last of a name counts, a value ends at its next `=`, unknown fields are ignored.
    expect(signatureParts('AWS4-HMAC-SHA256 Signature=first,  Credential=K/20261129/r/s/aws4_request ,SignedHeaders=a;b, Other, Signature=x=y')).to.deep.equal({
      accessKeyId: 'K',
      date: '20261129',
      region: 'r',
      service: 's',
      signedHeaders: ['a', 'b'],
      signature: 'x',
    });
    expect(signatureParts('AWS4-HMAC-SHA256 Credential =K/20261129/r/s/aws4_request, SignedHeaders=host, Signature=a')).to.equal(undefined);
    expect(signatureParts('AWS4-HMAC-SHA256 Credential=K/20261129/r/s/aws4_request, SignedHeaders=host, Signature=')).to.equal(undefined);
  });

  it('reads each header for itself, whatever was read before it (the last one read is remembered)', () => {
    const a = 'AWS4-HMAC-SHA256 Credential=A/20261129/r/s/aws4_request, SignedHeaders=host, Signature=1';
    const b = 'AWS4-HMAC-SHA256 Credential=B/20261130/r/s/aws4_request, SignedHeaders=host, Signature=2';
    const broken = 'AWS4-HMAC-SHA256 Credential=C/20261130/r/aws4_request, SignedHeaders=host, Signature=3';
    expect(signatureParts(a)?.accessKeyId).to.equal('A');
    expect(signatureParts(a)?.signature).to.equal('1');
    expect(signatureParts(b)).to.include({ accessKeyId: 'B', date: '20261130', signature: '2' });
    expect(signatureParts(broken)).to.equal(undefined);
    expect(signatureParts(broken)).to.equal(undefined);
    expect(signatureParts(a)).to.include({ accessKeyId: 'A', date: '20261129', signature: '1' });
  });

  it('accepts what the SDK signed with the issued secret', async () => {
    expect(await checkSignature(await signed(), secretOf)).to.deep.equal({ kind: 'valid', accessKeyId: KEY.accessKeyId, service: 'execute-api' });
    expect((await checkSignature(await signed({ query: { a: 'b c', z: '1' } }), secretOf)).kind).to.equal('valid');
    expect((await checkSignature(await signed({ applyChecksum: true }), secretOf)).kind).to.equal('valid');
  });

  it('refuses the issued key id signed with another secret', async () => {
    const check = await checkSignature(await signed({ credentials: { ...KEY, secretAccessKey: 'guess' } }), secretOf);
    expect(check).to.deep.equal({ kind: 'invalid', accessKeyId: KEY.accessKeyId, service: 'execute-api', reason: 'the signature does not match' });
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

  it('refuses an X-Amz-Date that is no time (month 13) as an unsigned date, without throwing', async () => {
    const request = await signed();
    const headers = { ...request.headers, 'x-amz-date': '20261301T000000Z' };
    expect(await checkSignature({ ...request, headers }, secretOf)).to.include({ kind: 'invalid', reason: 'no signed X-Amz-Date' });
  });

  describe('signing key cache', () => {
    it('reuses a derived key for the same secret, day, region and service, and derives anew when any differs', async () => {
      const key = await signingKeyFor('AKIDCACHE', 'secret-1', '20261130', 'us-east-1', 'execute-api');
      expect(await signingKeyFor('AKIDCACHE', 'secret-1', '20261130', 'us-east-1', 'execute-api')).to.equal(key);
      for (const other of [
        signingKeyFor('AKIDCACHE', 'secret-2', '20261130', 'us-east-1', 'execute-api'),
        signingKeyFor('AKIDCACHE', 'secret-1', '20261201', 'us-east-1', 'execute-api'),
        signingKeyFor('AKIDCACHE', 'secret-1', '20261130', 'eu-north-1', 'execute-api'),
        signingKeyFor('AKIDCACHE', 'secret-1', '20261130', 'us-east-1', 'dynamodb'),
      ]) {
        const derived = await other;
        expect(derived).to.not.equal(key);
        expect(derived.equals(key)).to.equal(false);
      }
    });

    it('never lets a cached key pass a request signed with the old secret once the key id has a new one', async () => {
      let secret = 'first-secret';
      const rotating = (accessKeyId: string) => (accessKeyId === KEY.accessKeyId ? secret : undefined);
      const withFirst = await signed({ credentials: { ...KEY, secretAccessKey: 'first-secret' } });
      expect((await checkSignature(withFirst, rotating)).kind).to.equal('valid'); // the key of the first secret is now cached
      secret = 'second-secret';
      expect(await checkSignature(withFirst, rotating)).to.include({ kind: 'invalid', reason: 'the signature does not match' });
      expect((await checkSignature(await signed({ credentials: { ...KEY, secretAccessKey: 'second-secret' } }), rotating)).kind).to.equal('valid');
    });

    it('checks each day with that day’s key, also after the cache held another day’s', async () => {
      const today = await signedAt(new Date('2026-11-30T23:59:59Z'));
      const tomorrow = await signedAt(new Date('2026-12-01T00:00:01Z'));
      expect((await checkSignature(today, secretOf)).kind).to.equal('valid');
      expect((await checkSignature(tomorrow, secretOf)).kind).to.equal('valid');
      // Tomorrow's request stamped with today's date does not verify with today's (cached) key.
      expect((await checkSignature({ ...tomorrow, headers: { ...tomorrow.headers, 'x-amz-date': today.headers['x-amz-date'] } }, secretOf)).kind).to.equal('invalid');
    });

    it('stays bounded: it is emptied when it reaches its size', async () => {
      for (let i = 0; i <= SIGNING_KEY_CACHE_SIZE; i++) await signingKeyFor('AKIDBOUND', 'secret', '20261130', `region-${i}`, 'execute-api');
      expect(cachedSigningKeys()).to.be.at.most(SIGNING_KEY_CACHE_SIZE);
    });
  });

  it('calls an unsigned request unsigned, and leaves anyone else’s key id unchecked', async () => {
    expect(await checkSignature({ method: 'POST', url: '/dev/@connections/a', headers: {}, body: Buffer.alloc(0) }, secretOf)).to.deep.equal({ kind: 'unsigned' });
    const cli = await signed({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'anything' } });
    expect(await checkSignature(cli, secretOf)).to.deep.equal({ kind: 'foreign', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
  });
});
