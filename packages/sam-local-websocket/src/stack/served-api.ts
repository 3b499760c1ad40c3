import { dirname, resolve } from 'node:path';
import { applyConditions, checkParameters, pseudoParameters } from '../template/intrinsics.js';
import { arnParameterWarnings, requireParameterValues, samconfigParameters } from '../template/parameters.js';
import { outputValues } from '../template/outputs.js';
import { runtimeWarnings } from '../template/runtimes.js';
import { checkResourceTypes } from '../template/support.js';
import { functionsOf, loadTemplate, parameterValues, resourcesOfType, tablesOf, webSocketApiOf } from '../template/template.js';
import { localApiId, templateValues } from '../template/values.js';
import { apiKeySelector } from '../api-gateway/route-selection.js';
import { declaredStageName, expandWebSocketApis } from '../template/sam-websocket-api.js';
import type { GatewayOptions } from './options.js';

/**
 * The template as it would deploy with these parameters (samconfig.toml's `parameter_overrides`
 * under `overrides`), its API with its AWS-form id, and what the twin accepts but cannot do as
 * AWS would (`warnings`). What AWS or the twin refuses throws, before anything starts.
 */
export function readServedApi(options: Pick<GatewayOptions, 'template' | 'region' | 'stage'>, overrides: Record<string, string>) {
  const templatePath = resolve(options.template);
  const loaded = loadTemplate(templatePath);
  const given = { ...samconfigParameters(dirname(templatePath)), ...overrides };
  const parameters = parameterValues(loaded.template, given);
  requireParameterValues(loaded.template, parameters);
  // What CloudFormation would refuse to deploy is refused here too.
  checkParameters(loaded.template, parameters);
  // SAM's transform first (AWS::Serverless::WebSocketApi), as CloudFormation runs it before anything else,
  // with the same parameter values (samconfig.toml's included) the deploy would give it.
  const template = applyConditions(expandWebSocketApis(loaded.template, given), { ...pseudoParameters(options.region), ...parameters });
  const warnings = checkResourceTypes(template);
  const [apiLogicalId = 'WebSocketApi'] = resourcesOfType(template, 'AWS::ApiGatewayV2::Api').map(([logicalId]) => logicalId);
  const apiId = localApiId(templatePath, apiLogicalId);
  const values = templateValues(template, { region: options.region, apiId, parameters });
  const api = webSocketApiOf(template, values);
  const functions = functionsOf(template, loaded.baseDir, values);
  warnings.push(...api.warnings, ...runtimeWarnings(functions), ...arnParameterWarnings(loaded.template, parameters));
  // An API key selection expression API Gateway does not support is refused when the API is created.
  const apiKeySelection = template.Resources[api.logicalId]?.Properties?.ApiKeySelectionExpression;
  if (typeof apiKeySelection === 'string') apiKeySelector(apiKeySelection);
  return {
    template,
    parameters,
    api,
    apiId,
    warnings,
    baseDir: loaded.baseDir,
    rootDir: dirname(templatePath),
    stage: options.stage ?? api.stageName ?? declaredStageName(template, api.logicalId, parameters) ?? parameters.StageName ?? 'dev',
    outputs: outputValues(template, values),
    /** Every function, as the twin runs it. */
    functions,
    tables: tablesOf(template).map((table) => ({ ...table, tableName: values.refs[table.logicalId] ?? table.tableName })),
  };
}
export type ServedApi = ReturnType<typeof readServedApi>;
