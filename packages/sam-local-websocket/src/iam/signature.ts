/**
 * Who signed a request: SigV4 is checked by recomputing the signature from the signed parts of
 * the request, with the SDK's own signer (`@smithy/signature-v4`) for the canonical request and
 * the signing key, and comparing. What is the same from request to request is not recomputed:
 * a {@link SignatureVerifier} keeps the derived signing keys, and the last header and date read,
 * for its own life (one per local IAM).
 */
import { createHmac, createSecretKey, hash, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { createScope, GENERATED_HEADERS, getCanonicalHeaders, getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { SIGV4_ALGORITHM } from './constants.js';
import { presignedParts } from './presigned.js';
import { amzDate, signatureTimeProblem } from './signature-time.js';

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
  /** The credential scope's date, `yyyymmdd` (the scope is `yyyymmdd/region/service/aws4_request`). */
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
  | { kind: 'valid'; accessKeyId: string; service: string; region: string }
  | { kind: 'invalid'; accessKeyId: string; service: string; reason: string; message?: string };

/** How a check judges time: the service's window (minutes) and now (epoch ms). */
export interface CheckTime {
  windowMinutes: number;
  now?: number;
}

function parseAuthorization(authorization: string): SignatureParts | undefined {
  // Comma-separated `Name=value` fields, each trimmed; a value ends at its next `=`; the last of a name counts.
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  for (const raw of authorization.slice(SIGV4_ALGORITHM.length + 1).split(',')) {
    const field = raw.trim();
    const equals = field.indexOf('=');
    const name = equals === -1 ? field : field.slice(0, equals);
    const next = equals === -1 ? -1 : field.indexOf('=', equals + 1);
    const value = equals === -1 ? undefined : field.slice(equals + 1, next === -1 ? undefined : next);
    if (name === 'Credential') credential = value;
    else if (name === 'SignedHeaders') signedHeaders = value;
    else if (name === 'Signature') signature = value;
  }
  const scope = String(credential ?? '').split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !signedHeaders || !signature) return undefined;
  const [accessKeyId, date, region, service] = scope;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** An `X-Amz-Date` value's time in its long and short forms, as the SDK's signer writes them. */
interface SigningTime {
  longDate: string;
  shortDate: string;
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);

/** One-shot SHA-256 (node:crypto's `hash`): no Hash object for a single input. */
const sha256Hex = (data: string | Buffer) => hash('sha256', data, 'hex');

/** The SDK's `SignatureV4` steps the check needs: its date format and canonical request. */
class Canonicalizer extends SignatureV4 {
  constructor() {
    // Neither credentials nor region are used: only the canonical request is built with this signer.
    super({ credentials: { accessKeyId: '', secretAccessKey: '' }, region: '', service: '', sha256: Sha256, applyChecksum: false });
  }

  dates(signingDate: Date): { longDate: string; shortDate: string } {
    return this.formatDate(signingDate);
  }

  canonicalRequest(request: HttpRequest, canonicalHeaders: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
  }
}

/** Bound of a verifier's signing keys: key ids are only the functions', but days and regions are the caller's choice. */
export const SIGNING_KEY_CACHE_SIZE = 1000;

/** The path of a request target, as the SDK's `HttpRequest` normalizes it: `/` when empty, always a leading `/`. */
function pathOf(url: string): string {
  const path = url.split('?', 1)[0];
  if (!path) return '/';
  return path.startsWith('/') ? path : `/${path}`;
}

/** The query of a request target as the signer reads it: each name once, repeated values as a list. */
function queryOf(url: string): Record<string, string | string[]> {
  if (!url.includes('?')) return {};
  const params = new URL(url, 'http://localhost').searchParams;
  // fromEntries defines each name as its own property: `__proto__` is a parameter, not the prototype.
  return Object.fromEntries(
    [...new Set(params.keys())].map((key) => {
      const values = params.getAll(key);
      return [key, values.length === 1 ? values[0] : values];
    }),
  );
}

function invalid(accessKeyId: string, service: string, reason: string, message?: string): SignatureCheck {
  return message === undefined ? { kind: 'invalid', accessKeyId, service, reason } : { kind: 'invalid', accessKeyId, service, reason, message };
}

/**
 * Checks SigV4 signatures, keeping for its own life what does not change from request to
 * request: the derived signing keys (bounded), and the last `Authorization` header and
 * `X-Amz-Date` read (a guard asks first whether a request is signed, then checks it; requests
 * signed in the same second carry the same date).
 */
export class SignatureVerifier {
  private readonly canonicalizer = new Canonicalizer();
  /** Signing keys by key id, day, region and service, each with the secret it was derived from. */
  private readonly signingKeys = new Map<string, { secretAccessKey: string; key: KeyObject }>();
  private lastRead?: { authorization: string; parts: SignatureParts | undefined };
  private lastSigningTime?: { header: string; time: SigningTime | undefined };
  private lastTime?: { key: string; at: number; problem: string | undefined };

  /** Reads a SigV4 `Authorization` header; undefined when it is absent or not SigV4. The parts are shared: read them, don't change them. */
  parts(authorization: string | undefined): SignatureParts | undefined {
    if (!authorization?.startsWith(`${SIGV4_ALGORITHM} `)) return undefined;
    if (this.lastRead?.authorization !== authorization) this.lastRead = { authorization, parts: parseAuthorization(authorization) };
    return this.lastRead.parts;
  }

  /** `20261129T232400Z` as a signing time; undefined when malformed or no such time. */
  private signingTimeOf(header: string | undefined): SigningTime | undefined {
    if (header === undefined) return undefined;
    if (this.lastSigningTime?.header !== header) {
      const signingDate = amzDate(header);
      this.lastSigningTime = { header, time: signingDate && this.canonicalizer.dates(signingDate) };
    }
    return this.lastSigningTime.time;
  }

  /**
   * The SigV4 signing key of `secretAccessKey` for a day, region and service (the SDK's
   * `getSigningKey`: four HMACs), derived once and reused. An entry is used only for the very
   * secret it was derived from: a key id issued again with another secret (a new gateway run)
   * derives anew. A new day is a new entry. The cache is emptied when it reaches its bound
   * ({@link SIGNING_KEY_CACHE_SIZE}).
   */
  async signingKey(accessKeyId: string, secretAccessKey: string, shortDate: string, region: string, service: string): Promise<KeyObject> {
    // As in the credential scope: none of the parts can hold a `/` (the scope is split at them).
    const id = `${accessKeyId}/${shortDate}/${region}/${service}`;
    const cached = this.signingKeys.get(id);
    if (cached?.secretAccessKey === secretAccessKey) return cached.key;
    if (this.signingKeys.size >= SIGNING_KEY_CACHE_SIZE) this.signingKeys.clear();
    const key = createSecretKey(await getSigningKey(Sha256, { accessKeyId, secretAccessKey }, shortDate, region, service));
    this.signingKeys.set(id, { secretAccessKey, key });
    return key;
  }

  /** How many signing keys are cached (for tests). */
  get cachedSigningKeys(): number {
    return this.signingKeys.size;
  }

  /**
   * Checks a request's SigV4 signature. `secretOf` gives the secret of a key id the gateway
   * issued, or undefined for any other key id: those are not checked (their secret is unknown).
   * The signature is recomputed as the SDK's `SignatureV4.sign` computes it for the signed headers
   * (`signableHeaders`), at the request's `X-Amz-Date`, in the scope's region and service.
   */
  async check(request: ReceivedRequest, secretOf: (accessKeyId: string) => string | undefined, time?: CheckTime): Promise<SignatureCheck> {
    const header = this.parts(headerValue(request.headers.authorization));
    const presigned = header ? undefined : presignedParts(request.url);
    const parts = header ?? presigned;
    if (!parts) return { kind: 'unsigned' };
    const { accessKeyId, region, service } = parts;
    const dateHeader = presigned ? presigned.amzDate : headerValue(request.headers['x-amz-date']);
    // Time is checked for every signed request, whoever signed it: it needs no secret.
    if (time && dateHeader !== undefined) {
      const problem = this.timeProblem(dateHeader, parts.date, time, presigned?.expires);
      if (problem) return invalid(accessKeyId, service, problem, problem);
    }
    const secretAccessKey = secretOf(accessKeyId);
    if (secretAccessKey === undefined) return { kind: 'foreign', accessKeyId };

    const signingTime = this.signingTimeOf(dateHeader);
    if (!signingTime || (!presigned && !parts.signedHeaders.includes('x-amz-date'))) return invalid(accessKeyId, service, 'no signed X-Amz-Date');
    if (!parts.signedHeaders.includes('host')) return invalid(accessKeyId, service, 'the Host header is not signed');
    // The payload hash a signer may send must be the body's: the signature covers only the header.
    const payloadHash = sha256Hex(request.body);
    const declaredHash = headerValue(request.headers['x-amz-content-sha256']);
    if (declaredHash !== undefined && declaredHash !== payloadHash) return invalid(accessKeyId, service, 'X-Amz-Content-Sha256 is not the hash of the body');
    if (presigned) {
      // A presigned URL signs the body's hash when it was presigned with one, else UNSIGNED-PAYLOAD.
      for (const hash of [payloadHash, 'UNSIGNED-PAYLOAD']) {
        if (await this.matches(request, parts, secretAccessKey, signingTime, hash, false)) return { kind: 'valid', accessKeyId, service, region };
      }
      return invalid(accessKeyId, service, 'the signature does not match');
    }
    const same = await this.matches(request, parts, secretAccessKey, signingTime, payloadHash, true);
    return same ? { kind: 'valid', accessKeyId, service, region } : invalid(accessKeyId, service, 'the signature does not match');
  }

  /**
   * {@link signatureTimeProblem}, its verdict kept for the same date, scope and window for a
   * second (requests signed in the same second carry the same date; the windows are minutes).
   */
  private timeProblem(dateHeader: string, scopeDate: string, time: CheckTime, expires: number | undefined): string | undefined {
    const now = time.now ?? Date.now();
    const key = `${dateHeader}/${scopeDate}/${time.windowMinutes}/${expires}`;
    if (time.now === undefined && this.lastTime?.key === key && now - this.lastTime.at < 1000) return this.lastTime.problem;
    const problem = signatureTimeProblem(dateHeader, scopeDate, now, time.windowMinutes, expires);
    this.lastTime = { key, at: now, problem };
    return problem;
  }

  /** True when the signature is the one the SDK's signer computes for these parts. */
  private async matches(
    request: ReceivedRequest,
    parts: Pick<SignatureParts, 'accessKeyId' | 'region' | 'service' | 'signedHeaders' | 'signature'>,
    secretAccessKey: string,
    signingTime: SigningTime,
    payloadHash: string,
    dateHeader: boolean,
  ): Promise<boolean> {
    const { accessKeyId, region, service } = parts;
    const { longDate, shortDate } = signingTime;
    const headers: Record<string, string> = {};
    for (const name of parts.signedHeaders) {
      const value = headerValue(request.headers[name]);
      if (value === undefined) return false;
      // As the SDK's signer: the headers it generates itself are dropped, and X-Amz-Date written from the date.
      if (!GENERATED_HEADERS.includes(name)) headers[name] = value;
    }
    if (dateHeader) headers['x-amz-date'] = longDate;
    const unsigned = { method: request.method, path: pathOf(request.url), query: queryOf(request.url), headers } as unknown as HttpRequest;
    const canonicalHeaders = getCanonicalHeaders(unsigned, undefined, new Set(parts.signedHeaders));
    const scope = createScope(shortDate, region, service);
    const stringToSign = `${SIGV4_ALGORITHM}\n${longDate}\n${scope}\n${sha256Hex(this.canonicalizer.canonicalRequest(unsigned, canonicalHeaders, payloadHash))}`;
    const expected = createHmac('sha256', await this.signingKey(accessKeyId, secretAccessKey, shortDate, region, service))
      .update(stringToSign)
      .digest('hex');
    const given = Buffer.from(parts.signature);
    return expected.length === given.length && timingSafeEqual(Buffer.from(expected), given);
  }
}
