/**
 * When a SigV4 signature holds, as AWS checks it: its `X-Amz-Date` within the service's window
 * of now (5 minutes for Lambda and execute-api, 15 for DynamoDB: AWS's own answers, e.g.
 * "Signature expired: 20150806T131223Z is now earlier than 20150806T131534Z (20150806T132034Z - 5 min.)"),
 * its credential scope's date that same day, and a presigned URL's `X-Amz-Expires` not passed.
 * The messages are AWS's wording; the scope-date one is as widely reported, not found in a capture.
 */

/** `20261129T232400Z` as a Date; undefined when malformed or no such time. */
export function amzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(value);
  const date = match ? new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`) : undefined;
  return date && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19).replace(/[-:]/g, '') === value.slice(0, 15) ? date : undefined;
}

/** A time as `X-Amz-Date` writes it. */
export const amzDateText = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The most seconds a presigned URL may be valid (7 days). */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

/**
 * Why a signature's time does not hold (AWS's message), or undefined when it does. `dateText`
 * is the request's `X-Amz-Date`, `scopeDate` its credential scope's `yyyymmdd`; `expiresSeconds`
 * is a presigned URL's `X-Amz-Expires`.
 */
export function signatureTimeProblem(dateText: string, scopeDate: string, now: number, windowMinutes: number, expiresSeconds?: number): string | undefined {
  const signed = amzDate(dateText);
  if (!signed) return undefined; // no usable date: the signature check says so
  if (scopeDate !== dateText.slice(0, 8)) {
    const q = (value: string) => `'${value}'`;
    return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ${q(scopeDate)} != ${q(dateText.slice(0, 8))}, from ${q(dateText)}.`;
  }
  const window = windowMinutes * 60_000;
  if (signed.getTime() > now + window) {
    return `Signature not yet current: ${dateText} is still later than ${amzDateText(now + window)} (${amzDateText(now)} + ${windowMinutes} min.)`;
  }
  if (expiresSeconds !== undefined) {
    if (signed.getTime() + expiresSeconds * 1000 < now) {
      return `Signature expired: ${dateText} is now earlier than ${amzDateText(now - expiresSeconds * 1000)} (${amzDateText(now)} - ${expiresSeconds} sec.)`;
    }
    return undefined;
  }
  if (signed.getTime() < now - window) {
    return `Signature expired: ${dateText} is now earlier than ${amzDateText(now - window)} (${amzDateText(now)} - ${windowMinutes} min.)`;
  }
  return undefined;
}
