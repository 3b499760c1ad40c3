import { authorizerCheck } from '../api-gateway/authorizer.js';
import { stageThrottling } from '../api-gateway/throttle.js';
import { ROUTE_KEYS } from '../api-gateway/constants.js';
import type { ApiIdentity } from '../api-gateway/events.js';
import type { InvocationOutcome } from '../api-gateway/invocation-outcome.js';
import type { HandshakeCheck } from '../api-gateway/upgrade.js';
import { startDynamoDbFront, type DynamoDbFront } from '../dynamodb/front.js';
import { startStore, type LocalStore } from '../dynamodb/store.js';
import { formatLogLine } from '../lambda/emf.js';
import {
  ACCOUNT_ID,
  containersFor,
  envVarOverrides,
  eventInvokeConfigOf,
  functionEnvironment,
  ignoredEnvVarsLine,
  localValues,
  startFunctions,
  type LocalFunctions,
} from '../lambda/functions.js';
import { asyncSettingsOf } from '../lambda/invoke-api/async-invocations.js';
import { invokeApi, type InvokeTarget } from '../lambda/invoke-api/invoke-api.js';
import { invokeGuard } from '../lambda/invoke-api/invoke-guard.js';
import { resolveIntrinsic } from '../template/intrinsics.js';
import { functionLogEntry } from '../api-gateway/invocation-outcome.js';
import { localIam } from './local-iam.js';
import type { GatewayOptions } from './options.js';
import { asyncFailureLine, invokeLine } from './reporting.js';
import type { ServedApi } from './served-api.js';

/** The store, the functions the routes use, and the `$connect` authorizer's check. */
export async function startBackends(
  options: GatewayOptions,
  served: ServedApi,
  localEndpoints: { managementEndpoint: string; lambdaEndpoint: string },
  identity: ApiIdentity,
  report: (outcome: InvocationOutcome) => void,
) {
  let store: LocalStore | undefined;
  let front: DynamoDbFront | undefined;
  let functions: LocalFunctions | undefined;
  try {
    store = await startStore(served.tables, { port: options.dbPort, host: options.host, path: options.dbPath });
    const storeEndpoints = { region: options.region, dynamoDbEndpoint: store.endpoint, ...localEndpoints, apiId: served.apiId };
    const values = localValues(served.template, served.parameters, served.tables, storeEndpoints);
    // Every function runs: the routes' through API Gateway, any function through the Invoke API.
    const specs = served.functions;
    for (const fn of specs) {
      const { ignored } = envVarOverrides(fn, options.envVars);
      if (ignored.length > 0) options.log(ignoredEnvVarsLine(fn, ignored));
      if (fn.externalLayers?.length) {
        options.log(
          `${fn.logicalId}: layer ${fn.externalLayers.join(', ')} is not available locally (published or in S3): what it provides under /opt will not be found`,
        );
      }
    }
    const { iam, warnings: iamWarnings } = localIam(
      options,
      served,
      specs.map((fn) => fn.logicalId),
      values,
    );
    // The functions reach the store through the verifying front; people keep the store's own port.
    front = iam.enforced ? await startDynamoDbFront(iam, store.endpoint, '127.0.0.1') : undefined;
    const endpoints = { ...storeEndpoints, dynamoDbEndpoint: front?.endpoint ?? store.endpoint };
    // Each line a function writes is also kept for the Invoke API's `LogType: Tail` (the API starts after the functions).
    let recordLog: ((name: string, line: string) => void) | undefined;
    functions = await startFunctions(
      specs,
      served.rootDir,
      (fn) => functionEnvironment(fn, values, endpoints, iam.credentialsOf(fn.logicalId), options.envVars),
      {
        watch: options.watch,
        log: (name, line) => {
          options.log(`[${name}] ${formatLogLine(line)}`);
          recordLog?.(name, line);
          options.onFunctionLog?.(functionLogEntry(name, line));
        },
        containersOf: (fn) => containersFor(fn, values, options.containersPerFunction),
        onReload: options.onReload,
      },
    );
    const running = functions;
    const targets = new Map<string, InvokeTarget>(
      specs.map((fn) => [
        fn.logicalId,
        {
          fn: running.get(fn.logicalId)!,
          arn: values.getAtt(fn.logicalId, 'Arn'),
          async: asyncSettingsOf(eventInvokeConfigOf(fn, values)),
          ...(fn.reservedConcurrency === undefined ? {} : { reservedConcurrency: Number(resolveIntrinsic(fn.reservedConcurrency, values)) }),
        },
      ]),
    );
    const lambdaApi = invokeApi({
      targets,
      authorize: iam.enforced ? invokeGuard(iam) : undefined,
      arnPrefix: `arn:${values.refs['AWS::Partition']}:lambda:${options.region}:${ACCOUNT_ID}:function:`,
      scope: { partition: values.refs['AWS::Partition'], region: options.region, accountId: ACCOUNT_ID },
      maxHeldBytes: options.maxInvokePayloadBytes,
      onInvoke: (outcome) => {
        options.log(invokeLine(outcome));
        options.onInvoke?.(outcome);
      },
      onAsyncFailure: (failure) => {
        options.log(asyncFailureLine(failure));
        options.onAsyncFailure?.(failure);
      },
    });
    recordLog = lambdaApi.recordLog;
    const authorizer = served.api.routes.get(ROUTE_KEYS.connect)?.authorizer;
    const handshakeCheck: HandshakeCheck = authorizer
      ? authorizerCheck(
          authorizer,
          functions.get(authorizer.functionId)!,
          { ...identity, region: options.region, accountId: ACCOUNT_ID, partition: values.refs['AWS::Partition'] },
          report,
        )
      : async () => ({});
    const throttling = stageThrottling(served.template, served.stage, values);
    return { store, front, functions, handshakeCheck, iam, iamWarnings, invokeApi: lambdaApi, throttling };
  } catch (error) {
    await functions?.close();
    await front?.close();
    await store?.close();
    throw error;
  }
}
