/**
 * What the bundles get for `@aws-sdk/credential-provider-node` (the esbuild `Alias` in
 * template.yaml): the SDK's own `fromEnv`, under the name the SDK clients import.
 *
 * On Lambda the default chain's first link, the environment, always answers: the runtime sets
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to the execution role's keys
 * (Lambda guide, "Defined runtime environment variables"), and `sam local invoke` and the local
 * twin set them too. The rest of the chain (SSO, ini files, process, web identity, ECS and
 * IMDS, with the STS and SSO clients they carry: about 100 KB) would only be loaded, never
 * used, at every cold start. Elsewhere (tests, scripts) the SDK's full chain is used as usual.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
