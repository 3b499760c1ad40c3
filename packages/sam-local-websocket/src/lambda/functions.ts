import { TemplateError } from '../errors.js';
import type { BuiltFunction } from './bundle.js';
import { prepareFunction, watchPreparedFunction } from './plain-code.js';
import { LOCAL_ACCOUNT_ID, resolveIntrinsic, type LocalValues } from '../template/intrinsics.js';
import { executeApiHost, templateValues } from '../template/values.js';
import { LocalFunction } from './invoker.js';
import { NodeOptionsReader } from './node-options.js';
import { BuildCache } from '../shared/build-cache.js';
import type { LogSink } from './container-protocol.js';
import type { FunctionCredentials } from '../shared/credentials.js';
import type { FunctionSpec, TableSpec, Template } from '../template/template.js';

/** What the functions' environment points at locally. */
export interface LocalEndpoints {
  region: string;
  /** `AWS_ENDPOINT_URL_DYNAMODB`: the local store. */
  dynamoDbEndpoint: string;
  /** `MANAGEMENT_API_ENDPOINT`: the gateway's own `@connections` API. */
  managementEndpoint: string;
  /** The local API id, for `!Ref` of the API. */
  apiId: string;
  /** `AWS_ENDPOINT_URL_LAMBDA`: the gateway's Lambda Invoke API. */
  lambdaEndpoint: string;
}

/** The runtime a function without `Runtime` is taken to run on (what the twin itself runs). */
const DEFAULT_RUNTIME = 'nodejs24.x';

/** The variable that carries the container's redirect of AWS's API host (never seen by the function). */
export const SANDBOX_ENV = 'SAM_LOCAL_WEBSOCKET_SANDBOX';

/** The account id local ARNs carry. */
export const ACCOUNT_ID = LOCAL_ACCOUNT_ID;

/** The local meaning of every name a function's environment may reference (see template/values.ts). */
export function localValues(template: Template, parameters: Record<string, string>, tables: TableSpec[], endpoints: LocalEndpoints): LocalValues {
  const values = templateValues(template, { region: endpoints.region, apiId: endpoints.apiId, parameters });
  for (const table of tables) values.refs[table.logicalId] = table.tableName;
  return values;
}

/**
 * Environment overrides in `sam local invoke --env-vars` form: `Parameters` applies to every
 * function, a function's logical id to that function only.
 */
export type EnvVars = Record<string, Record<string, string>>;

/**
 * What an `--env-vars` file changes for one function, as `sam local invoke` applies it:
 * `Parameters` first, then the function's own section, and only for variables the function
 * declares (Globals and its `Environment.Variables`); SAM ignores any other, silently (SAM CLI
 * `local_lambda.py` `_make_env_vars`, `env_vars.py` `resolve`). The ignored names are returned
 * so that the local commands can say so.
 */
export function envVarOverrides(fn: FunctionSpec, envVars: EnvVars = {}): { applied: Record<string, string>; ignored: string[] } {
  const requested = { ...envVars.Parameters, ...envVars[fn.logicalId] };
  const applied: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(requested)) {
    if (name in fn.environment) applied[name] = value;
    else ignored.push(name);
  }
  return { applied, ignored };
}

/** The line the local commands print for the `--env-vars` variables a function does not declare. */
export function ignoredEnvVarsLine(fn: FunctionSpec, ignored: string[]): string {
  return `--env-vars: ${ignored.join(', ')} not declared in ${fn.logicalId}'s Environment.Variables (or Globals): ignored, as sam local invoke ignores it`;
}

/**
 * A Lambda function's environment: the template's variables and what the runtime sets, with
 * the function's own credentials (reserved on Lambda: no template or override replaces them).
 */
export function functionEnvironment(
  fn: FunctionSpec,
  values: LocalValues,
  endpoints: LocalEndpoints,
  credentials: FunctionCredentials,
  envVars: EnvVars = {},
): Record<string, string> {
  const templateVariables = Object.fromEntries(
    Object.entries(fn.environment).map(([name, value]) => {
      try {
        return [name, resolveIntrinsic(value, values)];
      } catch (error) {
        throw new TemplateError(`${fn.logicalId}: environment variable ${name}: ${(error as Error).message}`, { cause: error });
      }
    }),
  );
  return {
    // The host's PATH, not Lambda's (/var/lang/bin:...): a function's child processes run here.
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    // What Lambda's Node.js runtime defines ("Defined runtime environment variables"); the
    // per-environment ones (log stream, LAMBDA_TASK_ROOT, NODE_PATH) come with each container.
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime ?? DEFAULT_RUNTIME}`,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.logicalId}`,
    // Lambda sets it; Powertools reports cold_start only when it is there.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    ...templateVariables,
    ...envVarOverrides(fn, envVars).applied,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoDbEndpoint,
    MANAGEMENT_API_ENDPOINT: endpoints.managementEndpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambdaEndpoint,
    // Read and removed by the container before the function loads (sandbox/runtime.mjs): https to
    // the API's AWS host reaches this gateway's port (none without a gateway, e.g. check:sam's).
    ...(URL.canParse(endpoints.managementEndpoint)
      ? {
          [SANDBOX_ENV]: JSON.stringify({
            executeApi: { host: executeApiHost(endpoints.apiId, endpoints.region), target: new URL(endpoints.managementEndpoint).origin },
          }),
        }
      : {}),
  };
}

/**
 * How many containers a function may run at once: `containersPerFunction`, and never more
 * than its `ReservedConcurrentExecutions` (Lambda throttles past it; locally the rest wait).
 */
export function containersFor(fn: FunctionSpec, values: LocalValues, containersPerFunction: number): number {
  if (fn.reservedConcurrency === undefined) return containersPerFunction;
  const reserved = Number(resolveIntrinsic(fn.reservedConcurrency, values));
  if (!Number.isInteger(reserved) || reserved < 0)
    throw new TemplateError(`${fn.logicalId}: ReservedConcurrentExecutions must be a whole number, got ${reserved}`);
  // 0 stops every invocation on Lambda; locally one container still serves, in turn.
  return Math.max(1, Math.min(containersPerFunction, reserved));
}

/** A function's `EventInvokeConfig` with its on-failure destination's ARN resolved. */
export function eventInvokeConfigOf(
  fn: FunctionSpec,
  values: LocalValues,
): { MaximumRetryAttempts?: unknown; MaximumEventAgeInSeconds?: unknown; onFailure?: string } | undefined {
  const config = fn.eventInvokeConfig;
  if (!config) return undefined;
  const destination = config.DestinationConfig?.OnFailure?.Destination;
  return {
    MaximumRetryAttempts: config.MaximumRetryAttempts === undefined ? undefined : resolveIntrinsic(config.MaximumRetryAttempts, values),
    MaximumEventAgeInSeconds: config.MaximumEventAgeInSeconds === undefined ? undefined : resolveIntrinsic(config.MaximumEventAgeInSeconds, values),
    onFailure: destination === undefined ? undefined : resolveIntrinsic(destination, values),
  };
}

/** A watched function was rebuilt after a change: reloaded, or kept on its previous build. */
export interface ReloadEvent {
  function: string;
  reloaded: boolean;
  bytes?: number;
  error?: string;
}

/** The running functions of a template. */
export interface LocalFunctions {
  get(logicalId: string): LocalFunction | undefined;
  built: BuiltFunction[];
  /** Fails every function's queued ordinary invocations and refuses new ones (see {@link LocalFunction.drain}). */
  drain(): void;
  close(): Promise<void>;
}

/**
 * Builds every function (as `npm run build` does) and starts each in its own container.
 * With `watch`, a function is rebuilt and reloaded when one of its sources changes.
 */
export async function startFunctions(
  functions: FunctionSpec[],
  rootDir: string,
  environmentOf: (fn: FunctionSpec) => Record<string, string>,
  options: { watch: boolean; log: LogSink; containersOf: (fn: FunctionSpec) => number; onReload?: (event: ReloadEvent) => void },
): Promise<LocalFunctions> {
  const running = new Map<string, LocalFunction>();
  const disposers: (() => Promise<void>)[] = [];
  const cache = BuildCache.beside(rootDir);
  const builds = await Promise.allSettled(
    functions.map(async (fn) => {
      if (!options.watch) return prepareFunction(fn, rootDir, cache);
      const watcher = await watchPreparedFunction(
        fn,
        rootDir,
        cache,
        (rebuilt) => {
          running.get(fn.logicalId)?.reload(rebuilt);
          options.log(fn.logicalId, `rebuilt and reloaded (${(rebuilt.bytes / 1024).toFixed(1)} KB)`);
          options.onReload?.({ function: fn.logicalId, reloaded: true, bytes: rebuilt.bytes });
        },
        (message) => {
          options.log(fn.logicalId, `rebuild failed, still running the previous build: ${message}`);
          options.onReload?.({ function: fn.logicalId, reloaded: false, error: message });
        },
      );
      disposers.push(watcher.dispose);
      return watcher.built;
    }),
  );
  const failed = builds.find((build): build is PromiseRejectedResult => build.status === 'rejected');
  if (failed) {
    // Stop the watchers that did start, or they would keep the process alive.
    await Promise.all(disposers.map((dispose) => dispose()));
    throw failed.reason;
  }
  const built = builds.map((build) => (build as PromiseFulfilledResult<BuiltFunction>).value);
  const nodeOptions = new NodeOptionsReader();
  for (const [index, fn] of functions.entries()) {
    running.set(fn.logicalId, new LocalFunction(fn, built[index], environmentOf(fn), options.log, options.containersOf(fn), nodeOptions));
  }
  return {
    get: (logicalId) => running.get(logicalId),
    built,
    drain: () => {
      for (const fn of running.values()) fn.drain();
    },
    close: async () => {
      await Promise.all(disposers.map((dispose) => dispose()));
      await Promise.all([...running.values()].map((fn) => fn.close()));
    },
  };
}
