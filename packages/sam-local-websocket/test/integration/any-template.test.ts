/** What the twin does with a template beyond the compatibility suite: SDK v2, parameters, AWS-form ids. */
import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, eventually } from 'websocket-test-clients';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParameterError } from '../../src/errors.js';
import { startGateway } from '../../src/stack/gateway.js';
import { startLocalGateway } from '../helpers/gateway.js';
import { compatTemplate } from '../helpers/fixtures.js';

/** A minimal WebSocket API whose `$default` route runs inline `code`, with `parameters` declared. */
function inlineTemplate(code: string, parameters = '') {
  const dir = mkdtempSync(join(tmpdir(), 'any-template-'));
  const path = join(dir, 'template.yaml');
  writeFileSync(
    path,
    `AWSTemplateFormatVersion: '2010-09-09'
${parameters}
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: { Name: t, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action }
  DefaultRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: { ApiId: !Ref Api, RouteKey: $default, Target: !Sub 'integrations/\${DefaultIntegration}' }
  DefaultIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub 'arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations'
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs18.x
      Handler: index.handler
      Code:
        ZipFile: |
${code
  .split('\n')
  .map((line) => `          ${line}`)
  .join('\n')}
`,
  );
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('any template', function () {
  this.timeout(30_000);

  it('fails an invocation that requires SDK v2 (aws-sdk) as Lambda on Node.js 18+ does, not the start', async () => {
    const template = inlineTemplate("const AWS = require('aws-sdk');\nexports.handler = async () => ({ statusCode: 200 });");
    const local = await startLocalGateway({ template: template.path, watch: false });
    try {
      const outcome = await local.gateway.functions.get('Fn')!.invoke({});
      expect(outcome.ok).to.equal(false);
      const { name, message } = (outcome as { error: { name: string; message: string } }).error;
      expect(name).to.equal('Runtime.ImportModuleError');
      expect(message.split('\n')[0]).to.equal("Error: Cannot find module 'aws-sdk'");
      // Deprecated runtimes run, with AWS's dates in the warning.
      expect(local.gateway.warnings.join('\n')).to.match(/Fn: nodejs18\.x is deprecated on AWS \(since 2025-09-01\)/);
    } finally {
      await local.close();
      template.remove();
    }
  });

  it('refuses a parameter without Default and without a value, naming it', async () => {
    const template = inlineTemplate('exports.handler = async () => ({});', 'Parameters:\n  Secret:\n    Type: String');
    try {
      const error = await startGateway({ port: 0, dbPort: 0, template: template.path, watch: false, log: () => {} }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ParameterError);
      expect((error as Error).message).to.match(/^parameter Secret has no Default and no value: give it with --parameter-overrides Secret=/);
      const local = await startLocalGateway({ template: template.path, watch: false, parameters: { Secret: 's3cret' } });
      await local.close();
    } finally {
      template.remove();
    }
  });

  it('gives events an AWS-form apiId and the same domainName in $connect, messages and $disconnect', async () => {
    const local = await startLocalGateway({ template: compatTemplate('sam-esm'), watch: false });
    try {
      const client = await connect(local.gateway.url);
      client.socket.send('{"action":"sendmessage","data":"x"}');
      await client.next();
      await client.close();
      const apiId = local.gateway.apiId;
      expect(apiId).to.match(/^[a-z0-9]{10}$/);
      const domain = `${apiId}.execute-api.us-east-1.amazonaws.com`;
      expect(local.gateway.domainName).to.equal(domain);
    } finally {
      await local.close();
    }
  });

  it('copies and reloads a plain function when a file under its CodeUri changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plain-watch-'));
    cpSync(dirname(compatTemplate('sam-esm')), dir, { recursive: true, filter: (source) => !source.includes('.build') });
    const local = await startLocalGateway({ template: join(dir, 'template.yaml'), watch: true });
    try {
      const handler = join(dir, 'src', 'handlers', 'connect.mjs');
      writeFileSync(handler, 'export const handler = async () => ({ statusCode: 403 });\n');
      await eventually(() => local.reloads.some((event) => event.function === 'OnConnect' && event.reloaded));
      const refused = await connect(local.gateway.url).then(
        () => undefined,
        (error: { status?: number }) => error.status,
      );
      expect(refused).to.equal(403);
    } finally {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resolves bare imports as in /var/task: the runtime's SDK v3 yes, the project's node_modules above the task root no", async () => {
    // Inside this package, so that the project's node_modules (which holds chai) lies above the task root.
    const parent = fileURLToPath(new URL('../fixtures/.build/', import.meta.url)); // git-ignored
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, 'boundary-'));
    const code = {
      'sdk.mjs': "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = async () => typeof DynamoDBClient;\n",
      'project.mjs': "import chai from 'chai';\nexport const handler = async () => typeof chai;\n",
      'v2.mjs': "import AWS from 'aws-sdk';\nexport const handler = async () => typeof AWS;\n",
    };
    mkdirSync(join(dir, 'src'));
    for (const [file, text] of Object.entries(code)) writeFileSync(join(dir, 'src', file), text);
    const fn = (name: string) =>
      `  ${name}:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: src/, Handler: ${name.toLowerCase()}.handler, Runtime: nodejs24.x }\n`;
    const template = inlineTemplate('exports.handler = async () => ({ statusCode: 200 });');
    writeFileSync(join(dir, 'template.yaml'), `${readFileSync(template.path, 'utf8')}${['Sdk', 'Project', 'V2'].map(fn).join('')}`);
    template.remove();
    const local = await startLocalGateway({ template: join(dir, 'template.yaml'), watch: false });
    try {
      const [sdk, project, v2] = await Promise.all(['Sdk', 'Project', 'V2'].map((name) => local.gateway.functions.get(name)!.invoke({})));
      expect(sdk).to.deep.include({ ok: true, result: 'function' });
      const failed = (outcome: typeof sdk) => (outcome as { error: { name: string; message: string } }).error;
      expect(failed(project).name).to.equal('Error');
      expect(failed(project).message).to.match(/^Cannot find package 'chai' imported from .*project\.mjs$/);
      expect(failed(v2).message).to.match(/^Cannot find package 'aws-sdk' imported from .*v2\.mjs$/);
    } finally {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
