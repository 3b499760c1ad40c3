/**
 * Signatures on the running gateway as AWS checks them (issue 30 item 8, issue 32 item 8): a
 * presigned `@connections` call is accepted; a stale `X-Amz-Date` or another service's scope is
 * refused in AWS's words.
 */
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { connect } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

describe('signatures on the running gateway', function () {
  this.timeout(60_000);
  let local: LocalGateway;
  before(async () => {
    local = await startLocalGateway({ watch: false });
  });
  after(() => local?.close());

  /** A POST @connections/{id} with `body`, signed (or presigned) by the broadcast function's own credentials. */
  async function signedPost(id: string, body: string, options: { presign?: boolean; service?: string; signingDate?: Date } = {}) {
    const credentials = local.gateway.iam.credentialsOf('BroadcastFunction');
    const signer = new SignatureV4({ credentials, region: local.gateway.iam.region, service: options.service ?? 'execute-api', sha256: Sha256 });
    const host = `127.0.0.1:${local.gateway.port}`;
    const request = new HttpRequest({
      method: 'POST',
      hostname: '127.0.0.1',
      port: local.gateway.port,
      path: `/${local.gateway.stage}/@connections/${encodeURIComponent(id)}`,
      headers: { host, 'content-type': 'application/octet-stream' },
      body,
    });
    const signed = options.presign
      ? await signer.presign(request, { expiresIn: 60, signingDate: options.signingDate })
      : await signer.sign(request, { signingDate: options.signingDate });
    const query = new URLSearchParams(signed.query as Record<string, string>).toString();
    const headers = { ...signed.headers } as Record<string, string>;
    delete headers.host;
    return fetch(`http://${host}${signed.path}${query ? `?${query}` : ''}`, { method: 'POST', headers, body });
  }

  it('accepts a presigned POST @connections, as AWS accepts a query-string signature', async () => {
    const client = await connect(local.gateway.url);
    try {
      const id = [...local.gateway.registry.all()][0].connectionId;
      const answer = await signedPost(id, 'presigned hello', { presign: true });
      expect(answer.status).to.equal(200);
      expect(await client.next()).to.equal('presigned hello');
    } finally {
      await client.close();
    }
  });

  it('refuses a signature made 6 minutes ago, and one scoped to another service, with InvalidSignatureException in AWS’s words', async () => {
    const stale = await signedPost('abc=', 'x', { signingDate: new Date(Date.now() - 6 * 60_000) });
    expect(stale.status).to.equal(403);
    expect(stale.headers.get('x-amzn-errortype')).to.equal('InvalidSignatureException');
    expect(((await stale.json()) as { message: string }).message).to.match(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
    const scoped = await signedPost('abc=', 'x', { service: 'dynamodb' });
    expect(scoped.status).to.equal(403);
    expect(((await scoped.json()) as { message: string }).message).to.equal("Credential should be scoped to correct service: 'execute-api'. ");
  });
});
