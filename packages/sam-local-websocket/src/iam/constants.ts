/** How the gateway treats the functions' AWS calls: `enforce` holds each to its template policies. */
export const IAM_MODES = { enforce: 'enforce', off: 'off' } as const;
export type IamMode = (typeof IAM_MODES)[keyof typeof IAM_MODES];

/** A function's access key id is this prefix and its logical id, e.g. `LOCALFN-ConnectFunction`. */
export const FUNCTION_KEY_PREFIX = 'LOCALFN-';

/** The SigV4 algorithm the SDK signs with. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** What AWS answers a request whose signature does not match (DynamoDB and API Gateway alike). */
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** The IAM action of every `@connections` call. */
export const MANAGE_CONNECTIONS = 'execute-api:ManageConnections';

/** The IAM action of Lambda's `Invoke`. */
export const INVOKE_FUNCTION = 'lambda:InvokeFunction';

/** The error each refusal answers with, as the SDK names it. */
export const IAM_ERRORS = {
  missingToken: 'MissingAuthenticationTokenException',
  invalidSignature: 'InvalidSignatureException',
  accessDenied: 'AccessDeniedException',
  forbidden: 'ForbiddenException',
  unrecognizedClient: 'UnrecognizedClientException',
} as const;

/**
 * How far a signature's `X-Amz-Date` may be from now, in minutes, by service: AWS's own answers say
 * "- 5 min." for Lambda and execute-api (`@connections`) and "- 15 min." for DynamoDB.
 */
export const SIGNATURE_WINDOW_MINUTES = { dynamodb: 15, lambda: 5, 'execute-api': 5 } as const;

/** What AWS answers a key id it does not know (DynamoDB and Lambda: UnrecognizedClientException). */
export const UNRECOGNIZED_CLIENT_MESSAGE = 'The security token included in the request is invalid.';
export type IamError = (typeof IAM_ERRORS)[keyof typeof IAM_ERRORS];
