/**
 * `npm run invoke`'s work: one function of the template, built as `npm start` builds it (the
 * shared build cache), run in one container exactly as the gateway runs it (invoker.ts), with
 * its template environment pointed at the running gateway's store and `@connections` API.
 */
import { UnknownFunctionError } from '../errors.js';
import { prepareFunction } from '../lambda/plain-code.js';
import { loadTemplate } from '../template/template.js';
import { readServedApi } from './served-api.js';
import { envVarOverrides, functionEnvironment, ignoredEnvVarsLine, localValues, type EnvVars } from '../lambda/functions.js';
import { LocalFunction } from '../lambda/invoker.js';
import type { LogSink, Outcome } from '../lambda/container-protocol.js';
import { findRunningGateway } from './running-gateway.js';
import { LOCAL_CREDENTIALS } from '../dynamodb/store.js';

/** What to invoke, with what, and where the gateway is. */
export interface InvokeOptions {
  functionName: string;
  event: unknown;
  template: string;
  parameters: Record<string, string>;
  envVars: EnvVars;
  region: string;
  host: string;
  port: number;
  dbPort: number;
  /** Default: the template's `StageName`, as the gateway's. */
  stage?: string;
  /** Each line the function writes. */
  log: LogSink;
}

/**
 * Invokes the function once. Throws {@link UnknownFunctionError} (with the template's
 * functions in `functions`) or `GatewayNotRunningError` before anything runs; a handler
 * that throws or times out comes back as the outcome, as Lambda reports it.
 */
export async function invokeFunction(options: InvokeOptions): Promise<Outcome> {
  const served = readServedApi(options, options.parameters);
  const functions = served.functions;
  const spec = functions.find((fn) => fn.logicalId === options.functionName);
  if (!spec)
    throw unknownFunction(
      options,
      functions.map((fn) => fn.logicalId),
    );
  const gateway = await findRunningGateway({
    host: options.host,
    port: options.port,
    dbPort: options.dbPort,
    stage: served.stage,
    tables: served.tables.map((table) => table.tableName),
  });
  const endpoints = {
    region: options.region,
    dynamoDbEndpoint: gateway.dbEndpoint,
    managementEndpoint: gateway.managementEndpoint,
    apiId: served.apiId,
    // The running gateway's Lambda Invoke API, on its port.
    lambdaEndpoint: new URL(gateway.managementEndpoint).origin,
  };
  // The gateway's per-function secrets live only in its process, so this function signs as a
  // developer does (the store's credentials): the local IAM lets it do anything (README).
  const values = localValues(served.template, served.parameters, served.tables, endpoints);
  const environment = functionEnvironment(spec, values, endpoints, LOCAL_CREDENTIALS, options.envVars);
  const { ignored } = envVarOverrides(spec, options.envVars);
  if (ignored.length > 0) options.log(spec.logicalId, ignoredEnvVarsLine(spec, ignored));
  const built = await prepareFunction(spec, served.rootDir);
  // One container, as a cold Lambda: it loads the bundle, serves this invocation, and stops.
  const running = new LocalFunction(spec, built, environment, options.log, 1);
  try {
    return await running.invoke(options.event);
  } finally {
    // Stopping the container delivers every line it wrote before its answer.
    await running.close();
  }
}

/** The template's functions, and why the asked-for one is not among them when a condition leaves it out. */
function unknownFunction(options: InvokeOptions, available: string[]): UnknownFunctionError {
  const declared = loadTemplate(options.template).template.Resources[options.functionName];
  const why =
    declared?.Type === 'AWS::Serverless::Function' && declared.Condition
      ? `${options.functionName} is left out by its Condition ${declared.Condition} with these parameters: pass the --parameter values that make ${declared.Condition} true, as for the gateway.`
      : `No function ${options.functionName} in ${options.template}.`;
  return new UnknownFunctionError(`${why} The template's functions: ${available.join(', ')}`, available);
}
