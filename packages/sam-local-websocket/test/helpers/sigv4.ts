import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ReceivedRequest } from '../../src/iam/signature.js';

/** Credentials to sign with. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What to sign; the defaults are a `@connections` POST to a gateway on 127.0.0.1:3001. */
export interface SigningOptions {
  credentials: TestCredentials;
  service?: string;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** The Host signed (and sent): `hostname:port`. */
  host?: string;
  /** The region signed for. Default us-east-1. */
  region?: string;
  /** Sends X-Amz-Content-Sha256, as S3-style signers do. */
  applyChecksum?: boolean;
}

/** Signs with the SDK's own signer and returns the request as the gateway receives it. */
export async function signedRequest(options: SigningOptions): Promise<ReceivedRequest> {
  const {
    credentials,
    service = 'execute-api',
    method = 'POST',
    path = '/dev/@connections/abc%3D',
    query = {},
    body = 'hello',
    applyChecksum = false,
    host = '127.0.0.1:3001',
  } = options;
  const signer = new SignatureV4({ credentials, region: options.region ?? 'us-east-1', service, sha256: Sha256, applyChecksum });
  const headers = { host, 'content-type': 'application/octet-stream', 'user-agent': 'test', ...options.headers };
  const signed = await signer.sign(
    new HttpRequest({ method, hostname: host.replace(/:\d+$/, ''), port: Number(host.split(':').pop()), path, query, headers, body }),
  );
  const search = new URLSearchParams(query).toString();
  return { method, url: `${path}${search ? `?${search}` : ''}`, headers: signed.headers, body: Buffer.from(body) };
}
