import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { ALGORITHM_IDENTIFIER, createScope, getCanonicalHeaders, getPayloadHash, getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, HttpRequest, Provider } from '@smithy/types';

const SERVICE = 'execute-api';

/** The signing key of one set of credentials on one day, and their canonical session token. */
interface DayKey {
  credentials: AwsCredentialIdentity;
  shortDate: string;
  key: Promise<KeyObject>;
}

/**
 * The SDK's `SignatureV4`, with a `signPost` that signs a PostToConnection step for step as
 * its `signRequest` does (the canonical headers, canonical request and signing key from its own
 * methods and exports; the string to sign and the HMAC as it computes them) while computing once
 * what does not change from post to post:
 * - the signing key (as a KeyObject for node:crypto's HMAC), per credentials object and day. (The SDK's own key cache HMACs the secret
 *   on every call just to build its cache key.) The credential provider is still asked on every
 *   post, so refreshed credentials get a key of their own at once;
 * - the payload hash, while the same bytes are posted again (a broadcast posts one payload to
 *   many connections); compared by content, as a caller may reuse a buffer;
 * - the region, resolved once, as an SDK client resolves it once;
 * - the formatted date, within the same second.
 * What `signPost` sends is what `sign()` would produce (`applyChecksum` on, as by default, so
 * with `x-amz-content-sha256`); the lean poster's differential test holds the two equal.
 */
export class PostSigner extends SignatureV4 {
  private region?: string;
  private dayKey?: DayKey;
  private lastPayload?: { bytes: Buffer; hash: string };
  private lastDates?: { second: number; longDate: string; shortDate: string };

  constructor(credentials: Provider<AwsCredentialIdentity>, region: Provider<string>) {
    super({ service: SERVICE, region, credentials, sha256: Sha256 });
  }

  /**
   * Signs `POST {path}` with `headers` (lower-case names, `host` among them) and `body` at
   * `signingDate`. Returns the headers to send: the given ones, `x-amz-date`,
   * `x-amz-security-token` (with a session token), `x-amz-content-sha256` and `authorization`.
   */
  async signPost(path: string, headers: Record<string, string>, body: Uint8Array, signingDate: Date): Promise<Record<string, string>> {
    const credentials = await this.credentialProvider();
    this.validateResolvedCredentials(credentials);
    this.region ??= await this.regionProvider();
    const region = this.region;
    const { longDate, shortDate } = this.datesOf(signingDate);
    const scope = createScope(shortDate, region, SERVICE);
    const signed: Record<string, string> = { ...headers, 'x-amz-date': longDate };
    if (credentials.sessionToken) signed['x-amz-security-token'] = credentials.sessionToken;
    const payloadHash = await this.payloadHash(body);
    signed['x-amz-content-sha256'] = payloadHash;
    const request = { method: 'POST', path, query: {}, headers: signed } as unknown as HttpRequest;
    const canonicalHeaders = getCanonicalHeaders(request);
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    // createStringToSign and the signature's HMAC, with node:crypto called directly (what the SDK's
    // Sha256 wraps on Node) instead of through its wrapper's hash copy and byte/hex conversions.
    const stringToSign = `${ALGORITHM_IDENTIFIER}\n${longDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', await this.keyOf(credentials, region, shortDate))
      .update(stringToSign)
      .digest('hex');
    signed.authorization = `${ALGORITHM_IDENTIFIER} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${this.getCanonicalHeaderList(canonicalHeaders)}, Signature=${signature}`;
    return signed;
  }

  /** The SDK's `formatDate`, whose result changes only from one second to the next. */
  private datesOf(signingDate: Date): { longDate: string; shortDate: string } {
    const second = Math.floor(signingDate.getTime() / 1000);
    if (this.lastDates?.second !== second) this.lastDates = { second, ...this.formatDate(signingDate) };
    return this.lastDates;
  }

  private keyOf(credentials: AwsCredentialIdentity, region: string, shortDate: string): Promise<KeyObject> {
    if (this.dayKey?.credentials !== credentials || this.dayKey.shortDate !== shortDate) {
      const key = getSigningKey(Sha256, credentials, shortDate, region, SERVICE).then((bytes) => createSecretKey(bytes));
      this.dayKey = { credentials, shortDate, key };
    }
    return this.dayKey.key;
  }

  private async payloadHash(body: Uint8Array): Promise<string> {
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    if (this.lastPayload?.bytes.equals(bytes)) return this.lastPayload.hash;
    const hash = await getPayloadHash({ headers: {}, body: bytes } as unknown as HttpRequest, Sha256);
    this.lastPayload = { bytes: Buffer.from(bytes), hash };
    return hash;
  }
}
