import type { IamError } from './constants.js';

/** A call the gateway refused for IAM reasons: reported once, to the hook and as a console line. */
export interface IamRefusal {
  /** The API refused: `dynamodb`, `execute-api` (`@connections`) or `lambda` (`Invoke`). */
  service: 'dynamodb' | 'execute-api' | 'lambda';
  /** The function whose credentials signed the call; absent when it was unsigned. */
  function?: string;
  /** e.g. `dynamodb:Scan`; absent when the signature was refused before any action was read. */
  action?: string;
  resource?: string;
  /** The error the caller got, as the SDK names it. */
  error: IamError;
  /** Its HTTP status. */
  status: number;
  /** Why, in a few words (e.g. `explicit deny`, `the signature does not match`). */
  reason: string;
  /** AWS's own message for this refusal, when it is fixed by the refusal alone (a time or scope problem, an unknown key). */
  message?: string;
}

/** The console line of a refusal, in the invocation lines' layout: what, who, status, why. */
export function refusalLine(refusal: IamRefusal): string {
  const what = refusal.action ? `${refusal.action} on ${refusal.resource}` : refusal.service;
  return `${'iam'.padEnd(12)} ${refusal.function ?? '(unsigned)'}  ${refusal.status} ${refusal.error}  ${what}  (${refusal.reason})`;
}
