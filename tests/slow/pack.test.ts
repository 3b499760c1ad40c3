/**
 * The twin as another project gets it: `npm pack` of packages/sam-local-websocket gives a
 * tarball that a scratch SAM project (a template and one esbuild function, in a temporary
 * folder) installs and starts with `npx sam-local-websocket --template template.yaml`; a
 * WebSocket client gets its function's answer. Slow: npm installs the twin's dependencies.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parseReadyLine, type ReadyFacts } from 'sam-local-websocket';
import { connect } from 'websocket-test-clients';

const run = promisify(execFile);

/** A SAM template of one WebSocket API whose `$default` route answers through its route response. */
const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: echo
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
      Runtime: nodejs24.x
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints: [app.ts]
        Format: esm
        OutExtension: [.js=.mjs]
  EchoIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${EchoFunction.Arn}/invocations
  EchoRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $default
      RouteResponseSelectionExpression: $default
      Target: !Sub integrations/\${EchoIntegration}
  EchoRouteResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref EchoRoute
      RouteResponseKey: $default
`;

const HANDLER = `export const handler = async (event: { body?: string }) => ({ statusCode: 200, body: \`echo: \${event.body}\` });\n`;

describe('the twin, packed and installed in another project', function () {
  this.timeout(300_000);
  let dir: string;
  let tarball: string;
  let project: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twin-pack-'));
    const { stdout } = await run('npm', ['pack', '-w', 'sam-local-websocket', '--pack-destination', dir, '--json']);
    tarball = join(dir, (JSON.parse(stdout) as { filename: string }[])[0].filename);
    project = join(dir, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{ "name": "scratch-websocket-api", "private": true, "type": "module" }\n');
    writeFileSync(join(project, 'template.yaml'), TEMPLATE);
    writeFileSync(join(project, 'src', 'app.ts'), HANDLER);
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the command and its compiled code, not its sources or tests', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean);
    expect(files).to.include.members([
      'package/bin/sam-local-websocket.js',
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/cli/main.js',
      'package/dist/lambda/worker.mjs',
      'package/README.md',
    ]);
    expect(files.filter((file) => /^package\/(src|test|bench)\//.test(file))).to.deep.equal([]);
  });

  it('starts with npx sam-local-websocket --template template.yaml, and serves the function', async () => {
    const command = spawn('npx', ['sam-local-websocket', '--template', 'template.yaml', '--port', '0', '--db-port', '0', '--no-watch', '--ready-json'], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    command.stderr.on('data', (chunk) => (errors += chunk));
    const exited = new Promise<number | null>((resolve) => command.once('exit', (code) => resolve(code)));
    let ready: ReadyFacts | undefined;
    try {
      ready = await new Promise<ReadyFacts>((resolve, reject) => {
        createInterface({ input: command.stdout }).on('line', (line) => {
          const facts = parseReadyLine(line);
          if (facts) resolve(facts);
        });
        exited.then((code) => reject(new Error(`exited (${code}) before it was ready: ${errors}`)));
      });
      expect(ready.url).to.match(/^ws:\/\/127\.0\.0\.1:\d+\/dev$/);
      const client = await connect(ready.url);
      client.socket.send('hei');
      expect(await client.next()).to.equal('echo: hei');
      await client.close();
      process.kill(ready.pid, 'SIGINT');
      expect(await exited).to.equal(0);
    } finally {
      if (ready && command.exitCode === null) process.kill(ready.pid, 'SIGKILL');
      command.kill('SIGKILL');
    }
  });
});
