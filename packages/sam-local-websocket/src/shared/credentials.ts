/** Credentials as the SDK's environment provider reads them (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`). */
export interface FunctionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}
