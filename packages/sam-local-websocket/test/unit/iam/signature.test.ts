import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { SIGNING_KEY_CACHE_SIZE, SignatureVerifier, type ReceivedRequest } from '../../../src/iam/signature.js';
import { signedRequest, type SigningOptions } from '../../helpers/sigv4.js';

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
  const verifier = new SignatureVerifier();
  it('reads the parts of a SigV4 Authorization header, and nothing else', () => {
    expect(
      verifier.parts('AWS4-HMAC-SHA256 Credential=AKID/20261129/eu-north-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc'),
    ).to.deep.equal({
      accessKeyId: 'AKID',
      date: '20261129',
      region: 'eu-north-1',
      service: 'execute-api',
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'abc',
    });
    expect(verifier.parts(undefined)).to.equal(undefined);
    expect(verifier.parts('Bearer token')).to.equal(undefined);
    expect(verifier.parts('AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/aws4_request, SignedHeaders=host, Signature=a')).to.equal(undefined);
    expect(verifier.parts('AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/s/aws4_request')).to.equal(undefined);
    // Fields are trimmed, the last of a name counts, a value ends at its next `=`, unknown fields are ignored.
    expect(verifier.parts('AWS4-HMAC-SHA256 Signature=first,  Credential=K/20261129/r/s/aws4_request ,SignedHeaders=a;b, Other, Signature=x=y')).to.deep.equal({
      accessKeyId: 'K',
      date: '20261129',
      region: 'r',
      service: 's',
      signedHeaders: ['a', 'b'],
      signature: 'x',
    });
    expect(verifier.parts('AWS4-HMAC-SHA256 Credential =K/20261129/r/s/aws4_request, SignedHeaders=host, Signature=a')).to.equal(undefined);
    expect(verifier.parts('AWS4-HMAC-SHA256 Credential=K/20261129/r/s/aws4_request, SignedHeaders=host, Signature=')).to.equal(undefined);
  });

  it('reads each header for itself, whatever was read before it (the last one read is remembered)', () => {
    const a = 'AWS4-HMAC-SHA256 Credential=A/20261129/r/s/aws4_request, SignedHeaders=host, Signature=1';
    const b = 'AWS4-HMAC-SHA256 Credential=B/20261130/r/s/aws4_request, SignedHeaders=host, Signature=2';
    const broken = 'AWS4-HMAC-SHA256 Credential=C/20261130/r/aws4_request, SignedHeaders=host, Signature=3';
    expect(verifier.parts(a)?.accessKeyId).to.equal('A');
    expect(verifier.parts(a)?.signature).to.equal('1');
    expect(verifier.parts(b)).to.include({ accessKeyId: 'B', date: '20261130', signature: '2' });
    expect(verifier.parts(broken)).to.equal(undefined);
    expect(verifier.parts(broken)).to.equal(undefined);
    expect(verifier.parts(a)).to.include({ accessKeyId: 'A', date: '20261129', signature: '1' });
  });

  it('accepts what the SDK signed with the issued secret', async () => {
    expect(await verifier.check(await signed(), secretOf)).to.deep.equal({
      kind: 'valid',
      accessKeyId: KEY.accessKeyId,
      service: 'execute-api',
      region: 'us-east-1',
    });
    expect((await verifier.check(await signed({ query: { a: 'b c', z: '1' } }), secretOf)).kind).to.equal('valid');
    expect((await verifier.check(await signed({ applyChecksum: true }), secretOf)).kind).to.equal('valid');
  });

  it('refuses the issued key id signed with another secret', async () => {
    const check = await verifier.check(await signed({ credentials: { ...KEY, secretAccessKey: 'guess' } }), secretOf);
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
    for (const changed of changes) expect((await verifier.check(changed, secretOf)).kind).to.equal('invalid');
  });

  it('refuses a payload hash header that is not the body’s', async () => {
    const request = await signed({ applyChecksum: true });
    const check = await verifier.check({ ...request, body: Buffer.from('other') }, secretOf);
    expect(check).to.include({ kind: 'invalid', reason: 'X-Amz-Content-Sha256 is not the hash of the body' });
  });

  it('refuses a signature without a signed date or host', async () => {
    const request = await signed();
    const withoutDate = { ...request.headers };
    delete withoutDate['x-amz-date'];
    expect(await verifier.check({ ...request, headers: withoutDate }, secretOf)).to.include({ kind: 'invalid', reason: 'no signed X-Amz-Date' });
    const authorization = String(request.headers.authorization).replace('SignedHeaders=content-type;host;', 'SignedHeaders=content-type;');
    expect(await verifier.check({ ...request, headers: { ...request.headers, authorization } }, secretOf)).to.include({
      kind: 'invalid',
      reason: 'the Host header is not signed',
    });
  });

  it('refuses an X-Amz-Date that is no time (month 13) as an unsigned date, without throwing', async () => {
    const request = await signed();
    const headers = { ...request.headers, 'x-amz-date': '20261301T000000Z' };
    expect(await verifier.check({ ...request, headers }, secretOf)).to.include({ kind: 'invalid', reason: 'no signed X-Amz-Date' });
  });

  describe('signing key cache', () => {
    it('reuses a derived key for the same secret, day, region and service, and derives anew when any differs', async () => {
      const key = await verifier.signingKey('AKIDCACHE', 'secret-1', '20261130', 'us-east-1', 'execute-api');
      expect(await verifier.signingKey('AKIDCACHE', 'secret-1', '20261130', 'us-east-1', 'execute-api')).to.equal(key);
      for (const other of [
        verifier.signingKey('AKIDCACHE', 'secret-2', '20261130', 'us-east-1', 'execute-api'),
        verifier.signingKey('AKIDCACHE', 'secret-1', '20261201', 'us-east-1', 'execute-api'),
        verifier.signingKey('AKIDCACHE', 'secret-1', '20261130', 'eu-north-1', 'execute-api'),
        verifier.signingKey('AKIDCACHE', 'secret-1', '20261130', 'us-east-1', 'dynamodb'),
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
      expect((await verifier.check(withFirst, rotating)).kind).to.equal('valid'); // the key of the first secret is now cached
      secret = 'second-secret';
      expect(await verifier.check(withFirst, rotating)).to.include({ kind: 'invalid', reason: 'the signature does not match' });
      expect((await verifier.check(await signed({ credentials: { ...KEY, secretAccessKey: 'second-secret' } }), rotating)).kind).to.equal('valid');
    });

    it('checks each day with that day’s key, also after the cache held another day’s', async () => {
      const today = await signedAt(new Date('2026-11-30T23:59:59Z'));
      const tomorrow = await signedAt(new Date('2026-12-01T00:00:01Z'));
      expect((await verifier.check(today, secretOf)).kind).to.equal('valid');
      expect((await verifier.check(tomorrow, secretOf)).kind).to.equal('valid');
      // Tomorrow's request stamped with today's date does not verify with today's (cached) key.
      expect((await verifier.check({ ...tomorrow, headers: { ...tomorrow.headers, 'x-amz-date': today.headers['x-amz-date'] } }, secretOf)).kind).to.equal(
        'invalid',
      );
    });

    it('is the verifier’s own: another one (another gateway run) starts empty', async () => {
      const mine = new SignatureVerifier();
      await mine.signingKey('AKIDOWN', 'secret', '20261130', 'us-east-1', 'execute-api');
      expect(mine.cachedSigningKeys).to.equal(1);
      expect(new SignatureVerifier().cachedSigningKeys).to.equal(0);
    });

    it('stays bounded: it is emptied when it reaches its size', async () => {
      for (let i = 0; i <= SIGNING_KEY_CACHE_SIZE; i++) await verifier.signingKey('AKIDBOUND', 'secret', '20261130', `region-${i}`, 'execute-api');
      expect(verifier.cachedSigningKeys).to.be.at.most(SIGNING_KEY_CACHE_SIZE);
    });
  });

  it('calls an unsigned request unsigned, and leaves anyone else’s key id unchecked', async () => {
    expect(await verifier.check({ method: 'POST', url: '/dev/@connections/a', headers: {}, body: Buffer.alloc(0) }, secretOf)).to.deep.equal({
      kind: 'unsigned',
    });
    const cli = await signed({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'anything' } });
    expect(await verifier.check(cli, secretOf)).to.deep.equal({ kind: 'foreign', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
  });
});
