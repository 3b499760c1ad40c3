/**
 * SigV4 carried in the query string (a presigned URL: `X-Amz-Algorithm`, `X-Amz-Credential`,
 * `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature`), which AWS accepts as
 * it accepts the `Authorization` header (IAM user guide, "Create a signed AWS API request").
 */
import { SIGV4_ALGORITHM } from './constants.js';
import type { SignatureParts } from './signature.js';
import { MAX_PRESIGNED_EXPIRES_SECONDS } from './signature-time.js';

/** The parts of a presigned URL's signature: those of an `Authorization` header, and its time. */
export interface PresignedParts extends SignatureParts {
  /** Its `X-Amz-Date`. */
  amzDate: string;
  /** Its `X-Amz-Expires`, seconds. */
  expires: number;
}

/** Reads a presigned request target's signature; undefined when it carries none (or a malformed one). */
export function presignedParts(url: string): PresignedParts | undefined {
  const at = url.indexOf('?');
  if (at < 0 || !url.includes('X-Amz-Algorithm=')) return undefined;
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(url.slice(at + 1));
  } catch {
    return undefined;
  }
  if (params.get('X-Amz-Algorithm') !== SIGV4_ALGORITHM) return undefined;
  const scope = (params.get('X-Amz-Credential') ?? '').split('/');
  const signedHeaders = params.get('X-Amz-SignedHeaders');
  const signature = params.get('X-Amz-Signature');
  const amzDate = params.get('X-Amz-Date');
  const expires = Number(params.get('X-Amz-Expires') ?? '');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !signedHeaders || !signature || !amzDate) return undefined;
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_EXPIRES_SECONDS) return undefined;
  const [accessKeyId, date, region, service] = scope;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature, amzDate, expires };
}
