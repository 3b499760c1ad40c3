/** The template as the twin serves it: SAM's transform sees the parameter values the deploy would give it. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readServedApi } from '../../../src/stack/served-api.js';

const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Parameters:
  IdSource:
    Type: String
    Default: route.request.querystring.Auth
Resources:
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      Auth:
        AuthType: CUSTOM
        AuthArn: !GetAtt AuthFunction.Arn
        IdentitySource:
          - !Ref IdSource
      Routes:
        $connect:
          FunctionArn: !GetAtt EchoFunction.Arn
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties: { InlineCode: 'exports.handler = async () => ({ statusCode: 200 })', Handler: index.handler, Runtime: nodejs22.x }
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties: { InlineCode: 'exports.handler = async () => ({})', Handler: index.handler, Runtime: nodejs22.x }
`;

describe('served API: parameters reach SAM’s WebSocketApi transform', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'served-api-'));
    writeFileSync(join(dir, 'template.yaml'), TEMPLATE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const identitySources = (overrides: Record<string, string>) =>
    readServedApi({ template: join(dir, 'template.yaml'), region: 'us-east-1' }, overrides).api.routes.get('$connect')?.authorizer?.identitySources;

  it("takes samconfig.toml's parameter_overrides, as sam deploy passes them to the transform", () => {
    writeFileSync(join(dir, 'samconfig.toml'), 'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "IdSource=route.request.header.X-Token"\n');
    expect(identitySources({})).to.deep.equal(['route.request.header.X-Token']);
  });

  it('takes the command line over samconfig.toml, and the Default without either', () => {
    expect(identitySources({})).to.deep.equal(['route.request.querystring.Auth']);
    writeFileSync(join(dir, 'samconfig.toml'), 'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "IdSource=route.request.header.X-Token"\n');
    expect(identitySources({ IdSource: 'route.request.header.Other' })).to.deep.equal(['route.request.header.Other']);
  });
});
