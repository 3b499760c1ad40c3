/**
 * sam-local-websocket: the WebSocket API of a SAM template, run locally (API Gateway, Lambda and
 * DynamoDB), for the scripts and tests of a project that uses it. The command
 * (`sam-local-websocket`, cli/main.ts) is built on the same parts.
 */

// Starting a gateway, and what it reports.
export { startGateway, type Gateway, type GatewayIam } from './stack/gateway.js';
export { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from './stack/options.js';
export type { ConnectionsFaults } from './api-gateway/faults.js';
export type { ManagementHooks } from './api-gateway/connections-api.js';
export type { FunctionLogEntry, InvocationOutcome } from './api-gateway/invocation-outcome.js';
export type { InvokeApiOutcome } from './lambda/invoke-api/invoke-api.js';
export type { AsyncFailure } from './lambda/invoke-api/async-invocations.js';
export type { ReloadEvent } from './lambda/functions.js';
export type { IamRefusal } from './iam/refusal.js';
export { IAM_MODES, type IamMode } from './iam/constants.js';
export { DEFAULT_CONTAINERS_PER_FUNCTION, type LocalFunction } from './lambda/invoker.js';
export type { Outcome } from './lambda/container-protocol.js';
export { LOCAL_CREDENTIALS, startStore, type LocalStore, type StoreOptions } from './dynamodb/store.js';
export { API_GATEWAY_LIMITS, CLOSE_CODES } from './api-gateway/constants.js';

// The ready line of `sam-local-websocket --ready-json`.
export { parseReadyLine, type ReadyFacts } from './cli/ready-line.js';

// Invoking one function against a running gateway (`sam-local-websocket invoke`).
export { invokeFunction, type InvokeOptions } from './stack/invoke-function.js';
export { EXIT, RESULT_PREFIX } from './cli/invoke-output.js';

// The command's help texts (the docs quote them).
export { CLI_HELP } from './cli/start-options.js';
export { INVOKE_HELP } from './cli/invoke-options.js';
export { TOKEN_HELP } from './cli/token.js';

// Reading a template as the gateway does, and bundling its functions as `sam build` does.
export {
  functionsOf,
  loadTemplate,
  nodeMajorOf,
  parameterValues,
  tablesOf,
  webSocketApiOf,
  type FunctionSpec,
  type TableSpec,
  type Template,
  type WebSocketApiSpec,
} from './template/template.js';
export { applyConditions, checkParameters, pseudoParameters, resolveIntrinsic, type LocalValues } from './template/intrinsics.js';
export { expandWebSocketApis } from './template/sam-websocket-api.js';
export { describeForeignFunctions, foreignRuleFunctions, RULE_FUNCTIONS } from './template/rules.js';
export { EMULATED_TYPES, INERT_TYPES, NOT_RUN_TYPES, checkResourceTypes } from './template/support.js';
export { NODE_RUNTIME_LIFECYCLE, runtimeWarning, type RuntimeLifecycle } from './template/runtimes.js';
export { parseParameterOverrides, samconfigParameters } from './template/parameters.js';
export { executeApiHost, localApiId, templateValues } from './template/values.js';
export { outputValues } from './template/outputs.js';
export { envVarOverrides, functionEnvironment, localValues, type EnvVars } from './lambda/functions.js';
export { envVarsFile } from './cli/flags.js';
export { buildFunction, esbuildOptions, type BuiltFunction } from './lambda/bundle.js';
export { functionBuildDir } from './lambda/bundle-output.js';
export { BUILD_DIR } from './shared/build-cache.js';
export { buildPage } from './page/build-page.js';

// The local OIDC issuer (`--auth jwt`).
export { ISSUER_PATHS, LOCAL_ISSUER } from './identity-provider/constants.js';
export { LocalIssuer, type IssuerRequestEvent, type MintOptions } from './identity-provider/issuer.js';

// API Gateway's events, as the gateway builds them (to hold a project's handlers to them).
export { connectEvent, disconnectEvent, messageEvent, type ApiIdentity, type EventConnection, type GatewayEvent } from './api-gateway/events.js';
export { authorizerEvent, type AuthorizerRequestEvent, type PolicyAnswer } from './api-gateway/authorizer.js';

// Errors: each with a stable `name` and `code`, and its `cause`.
export * from './errors.js';
