import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { expect } from 'chai';
import { PostSigner } from '../../../functions/shared/post-signer.js';

const REGION = 'eu-north-1';
const HEADERS = { 'content-type': 'application/octet-stream', host: 'abc.execute-api.eu-north-1.amazonaws.com' };
const PATH = '/dev/@connections/BFHPhfCWIAMCKlQ%3D';

/** What the SDK's own signer makes of the same post: the reference every case is held to. */
async function sdkSigned(credentials: AwsCredentialIdentity, body: Uint8Array, signingDate: Date): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 'execute-api', region: REGION, credentials, sha256: Sha256 });
  const request = new HttpRequest({
    method: 'POST',
    hostname: HEADERS.host,
    path: PATH,
    headers: { ...HEADERS, 'content-length': String(body.byteLength) },
    body,
  });
  return (await signer.sign(request, { signingDate })).headers;
}

describe('PostSigner', () => {
  let credentials: AwsCredentialIdentity = { accessKeyId: 'AKIDFIRST', secretAccessKey: 'first-secret', sessionToken: 'first-token' };
  const signer = new PostSigner(
    async () => credentials,
    async () => REGION,
  );
  const signPost = (body: Uint8Array, signingDate: Date) => signer.signPost(PATH, { ...HEADERS, 'content-length': String(body.byteLength) }, body, signingDate);

  it('signs as SignatureV4.sign does while its caches are reused and while they must not be', async () => {
    const buffer = Buffer.from('{"message":"one"}');
    const cases: [string, () => void, Date][] = [
      ['first post', () => undefined, new Date('2026-11-30T23:59:58.100Z')],
      ['same bytes, same second (every cache reused)', () => undefined, new Date('2026-11-30T23:59:58.900Z')],
      ['the same buffer with other bytes (payload hash compared by content)', () => buffer.write('{"message":"two"}'), new Date('2026-11-30T23:59:59.000Z')],
      ['a new day (new signing key, new scope)', () => undefined, new Date('2026-12-01T00:00:00.500Z')],
      [
        'refreshed credentials (new signing key at once)',
        () => (credentials = { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second-secret', sessionToken: 'second-token' }),
        new Date('2026-12-01T00:00:01Z'),
      ],
      [
        'credentials without a session token',
        () => (credentials = { accessKeyId: 'AKIDTHIRD', secretAccessKey: 'third-secret' }),
        new Date('2026-12-01T00:00:02Z'),
      ],
    ];
    for (const [what, change, signingDate] of cases) {
      change();
      expect(await signPost(buffer, signingDate), what).to.deep.equal(await sdkSigned(credentials, buffer, signingDate));
    }
  });
});
