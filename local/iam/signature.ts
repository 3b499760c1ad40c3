/**
 * Who signed a request: SigV4 is checked by recomputing the signature with the SDK's own signer
 * (`@smithy/signature-v4`) from the signed parts of the request and comparing, never by hand.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { toHex } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { SIGV4_ALGORITHM } from './constants.js';

/** A request as it arrived: method, path and query as sent, headers, and the whole body. */
export interface ReceivedRequest {
  method: string;
  /** The raw request target, e.g. `/dev/@connections/abc%3D?x=1`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header. */
export interface SignatureParts {
  accessKeyId: string;
  /** `yyyymmdd/region/service/aws4_request` */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * What the signature says about the caller: unsigned, a key id the gateway does not know
 * (someone's own credentials), or a known key id whose signature did or did not match.
 */
export type SignatureCheck =
  | { kind: 'unsigned' }
  | { kind: 'foreign'; accessKeyId: string }
  | { kind: 'valid'; accessKeyId: string }
  | { kind: 'invalid'; accessKeyId: string; reason: string };

/** Reads a SigV4 `Authorization` header; undefined when it is absent or not SigV4. */
export function signatureParts(authorization: string | undefined): SignatureParts | undefined {
  if (!authorization?.startsWith(`${SIGV4_ALGORITHM} `)) return undefined;
  const fields = Object.fromEntries(
    authorization
      .slice(SIGV4_ALGORITHM.length + 1)
      .split(',')
      .map((field) => field.trim().split('=', 2) as [string, string]),
  );
  const scope = String(fields.Credential ?? '').split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !fields.SignedHeaders || !fields.Signature) return undefined;
  const [accessKeyId, date, region, service] = scope;
  return { accessKeyId, date, region, service, signedHeaders: fields.SignedHeaders.split(';'), signature: fields.Signature };
}

/** `20261129T232400Z` as a Date; undefined when malformed. */
function amzDate(value: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(value ?? '');
  return match ? new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`) : undefined;
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);

async function sha256Hex(body: Buffer): Promise<string> {
  const hash = new Sha256();
  hash.update(body);
  return toHex(await hash.digest());
}

// One signer per key, region and service: each keeps its derived signing keys cached, as the SDK's own do.
const signers = new Map<string, SignatureV4>();

function signerFor(parts: SignatureParts, secretAccessKey: string): SignatureV4 {
  const key = JSON.stringify([parts.accessKeyId, secretAccessKey, parts.region, parts.service]);
  let signer = signers.get(key);
  if (!signer) {
    if (signers.size >= 1000) signers.clear(); // bounded: key ids are only the functions', but regions are the caller's choice
    signer = new SignatureV4({
      credentials: { accessKeyId: parts.accessKeyId, secretAccessKey },
      region: parts.region,
      service: parts.service,
      sha256: Sha256,
      applyChecksum: false,
    });
    signers.set(key, signer);
  }
  return signer;
}

/**
 * Checks a request's SigV4 signature. `secretOf` gives the secret of a key id the gateway
 * issued, or undefined for any other key id: those are not checked (their secret is unknown).
 */
export async function checkSignature(request: ReceivedRequest, secretOf: (accessKeyId: string) => string | undefined): Promise<SignatureCheck> {
  const parts = signatureParts(headerValue(request.headers.authorization));
  if (!parts) return { kind: 'unsigned' };
  const secretAccessKey = secretOf(parts.accessKeyId);
  if (secretAccessKey === undefined) return { kind: 'foreign', accessKeyId: parts.accessKeyId };
  const invalid = (reason: string): SignatureCheck => ({ kind: 'invalid', accessKeyId: parts.accessKeyId, reason });

  const signingDate = amzDate(headerValue(request.headers['x-amz-date']));
  if (!signingDate || !parts.signedHeaders.includes('x-amz-date')) return invalid('no signed X-Amz-Date');
  if (!parts.signedHeaders.includes('host')) return invalid('the Host header is not signed');
  // The payload hash a signer may send must be the body's: the signature covers only the header.
  const declaredHash = headerValue(request.headers['x-amz-content-sha256']);
  if (declaredHash !== undefined && declaredHash !== (await sha256Hex(request.body))) return invalid('X-Amz-Content-Sha256 is not the hash of the body');

  const headers: Record<string, string> = {};
  for (const name of parts.signedHeaders) {
    const value = headerValue(request.headers[name]);
    if (value === undefined) return invalid(`signed header ${name} is missing`);
    headers[name] = value;
  }
  const url = new URL(request.url, 'http://localhost');
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  const signer = signerFor(parts, secretAccessKey);
  const unsigned = new HttpRequest({
    method: request.method,
    hostname: headers.host ?? 'localhost',
    path: request.url.split('?')[0],
    query,
    headers,
    body: request.body,
  });
  const signed = await signer.sign(unsigned, {
    signingDate,
    signingRegion: parts.region,
    signingService: parts.service,
    signableHeaders: new Set(parts.signedHeaders),
  });
  const expected = signatureParts(headerValue(signed.headers.authorization))?.signature ?? '';
  const given = Buffer.from(parts.signature);
  const same = expected.length === given.length && timingSafeEqual(Buffer.from(expected), given);
  return same ? { kind: 'valid', accessKeyId: parts.accessKeyId } : invalid('the signature does not match');
}
