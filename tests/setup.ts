/**
 * Runs before any test module loads: the handlers read their configuration at import, as
 * a Lambda container does at cold start. No real AWS credentials are ever used.
 */
process.env.TABLE_NAME ??= 'connections-test';
process.env.AWS_REGION ??= 'eu-north-1';
process.env.BROADCAST_CONCURRENCY ??= '4';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
// The authorizer's secret in unit tests; events/authorizer.json carries the same example token.
process.env.AUTH_TOKEN ??= 'my-local-token';
// Powertools: the service name and metrics namespace template.yaml's Globals set.
process.env.POWERTOOLS_SERVICE_NAME ??= 'websocket-test';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'ServerlessWebSocketTest';
