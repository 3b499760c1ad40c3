import { dirname, resolve } from 'node:path';
import { applyConditions, checkParameters, pseudoParameters } from '../template/intrinsics.js';
import { loadTemplate, parameterValues, tablesOf, webSocketApiOf } from '../template/template.js';
import { apiKeySelector } from '../api-gateway/route-selection.js';
import { declaredStageName, expandWebSocketApis } from '../template/websocket-api.js';
import type { GatewayOptions } from './options.js';

/** The template as it would deploy with these parameters (e.g. the authorizer on or off), and its API. */
export function readServedApi(options: Pick<GatewayOptions, 'template' | 'region' | 'stage'>, overrides: Record<string, string>) {
  const templatePath = resolve(options.template);
  const loaded = loadTemplate(templatePath);
  const parameters = parameterValues(loaded.template, overrides);
  // What CloudFormation would refuse to deploy is refused here too.
  checkParameters(loaded.template, parameters);
  // SAM's transform first (AWS::Serverless::WebSocketApi), as CloudFormation runs it before anything else.
  const template = applyConditions(expandWebSocketApis(loaded.template, overrides), { ...pseudoParameters(options.region), ...parameters });
  const api = webSocketApiOf(template);
  // An API key selection expression API Gateway does not support is refused when the API is created.
  const apiKeySelection = template.Resources[api.logicalId]?.Properties?.ApiKeySelectionExpression;
  if (typeof apiKeySelection === 'string') apiKeySelector(apiKeySelection);
  return {
    template,
    parameters,
    api,
    baseDir: loaded.baseDir,
    rootDir: dirname(templatePath),
    stage: options.stage ?? declaredStageName(template, api.logicalId, parameters) ?? parameters.StageName ?? 'dev',
    tables: tablesOf(template),
  };
}
export type ServedApi = ReturnType<typeof readServedApi>;
