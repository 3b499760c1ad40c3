/**
 * Runs before any test module loads. No real AWS credentials are ever used: an SDK client a
 * test makes without its own finds these (the gateway's functions get theirs from the gateway).
 */
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';
