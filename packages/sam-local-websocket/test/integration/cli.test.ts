/** The command as a user runs it: a child process, its ready line and banner, live reload, and Ctrl-C. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, eventually, refusedStatus } from 'websocket-test-clients';
import { BIN, runCommand } from '../helpers/command.js';
import { CHAT_APP_TEMPLATE, compatTemplate } from '../helpers/fixtures.js';
import { startLocalGateway } from '../helpers/gateway.js';
import { addRoute, templateCopy } from '../helpers/template-copy.js';

const FLAGS = ['--template', CHAT_APP_TEMPLATE, '--port', '0', '--db-port', '0', '--no-watch'];

describe('sam-local-websocket', function () {
  this.timeout(60_000);

  it('refuses a template it cannot run: one line naming resource, property and what is supported, exit code 2, no stack', async () => {
    const command = runCommand(['--template', compatTemplate('refused-python'), '--port', '0', '--db-port', '0', '--no-watch']);
    expect(await command.exited).to.equal(2);
    expect(command.output()).to.equal(
      'sam-local-websocket failed: OnConnect (AWS::Serverless::Function) Runtime: python3.13 is not run by the twin; it runs Node.js runtimes (nodejs18.x to nodejs24.x, older ones with a warning)\n',
    );
  });

  it('prints its ready line and banner, serves the API, and shuts down cleanly on SIGINT', async () => {
    const { AUTH_TOKEN: _, ...env } = process.env; // an open API, whatever the caller's shell holds
    const command = runCommand(FLAGS, env);
    try {
      const ready = await command.ready;
      expect(ready).to.include({ event: 'ready', pid: command.child.pid, url: `ws://127.0.0.1:${ready.port}/dev`, stage: 'dev' });
      expect(ready.tables).to.deep.equal({ ConnectionsTable: 'ConnectionsTable' });
      expect(ready.dbEndpoint).to.equal(`http://127.0.0.1:${ready.dbPort}`);
      await eventually(() => command.output().includes('One line per invocation'));
      // The banner's human lines, the ws:// one included.
      const output = command.output();
      expect(output).to.include(`  WebSocket URL     ws://localhost:${ready.port}/dev   (open: no authorizer; see AUTH_TOKEN and --auth)`);
      expect(output).to.include(`npx wscat -c ws://localhost:${ready.port}/dev`);
      expect(output).to.include('{"action": "broadcast", "data": "Tervehdys kaikille!"}');
      expect(output).to.include(`  DynamoDB          http://localhost:${ready.dbPort}   tables: ConnectionsTable`);
      expect(output).to.match(/IAM\s+enforce: functions hold to their template policies \(account 000000000000, region us-east-1; --iam off\)/);
      // Same binary as this run (process.execPath), and no "(differs: ...)" note after the template's runtime.
      expect(output).to.include(`Functions run on  Node.js ${process.version}   (template Runtime: nodejs${process.versions.node.split('.')[0]}.x)\n`);
      expect(output).to.not.include('Try-it page'); // no --page
      const client = await connect(ready.url);
      client.socket.send('{"action":"broadcast","data":"Tervehdys kaikille!"}');
      expect(await client.next()).to.equal('Tervehdys kaikille!');
      await eventually(() => /broadcast\s+\S+\s+200/.test(command.output()));
      command.child.kill('SIGINT');
      expect((await client.closed).code).to.equal(1001);
      expect(await command.exited).to.equal(0);
      expect(command.output()).to.match(/\$disconnect\s+\S+\s+200/);
    } finally {
      command.child.kill('SIGKILL');
    }
  });

  // The environment is the documented way (a flag shows in ps); the flag still works.
  const token = 'cli-test-token-19ab';
  const AUTH_WAYS: { name: string; args: string[]; env: Record<string, string> }[] = [
    { name: 'AUTH_TOKEN in the environment', args: [], env: { AUTH_TOKEN: token } },
    { name: '--auth-token', args: ['--auth-token', token], env: {} },
  ];
  for (const way of AUTH_WAYS) {
    it(`${way.name} switches the authorizer on and the banner shows ?Auth= without the token`, async () => {
      const { AUTH_TOKEN: _, ...env } = process.env;
      const command = runCommand([...FLAGS, ...way.args], { ...env, ...way.env });
      try {
        const ready = await command.ready;
        await eventually(() => command.output().includes('One line per invocation'));
        expect(command.output()).to.include(`ws://localhost:${ready.port}/dev?Auth=<token>`);
        expect(command.output()).to.include(`npx wscat -c "ws://localhost:${ready.port}/dev?Auth=$AUTH_TOKEN"`);
        expect(await refusedStatus(ready.url)).to.equal(401);
        const client = await connect(`${ready.url}?Auth=${token}`);
        await client.close();
        command.child.kill('SIGINT');
        expect(await command.exited).to.equal(0);
        expect(command.output()).to.not.include(token);
      } finally {
        command.child.kill('SIGKILL');
      }
    });
  }

  const refusals: [string[], string][] = [
    [['--port', 'abc'], '--port must be a whole number'],
    [['--auth', 'open'], '--auth must be none, token or jwt'],
    [['--iam', 'audit'], '--iam takes enforce or off, got "audit"'],
  ];
  for (const [flags, message] of refusals) {
    it(`refuses ${flags.join(' ')} with a clear message and exit code 2`, async () => {
      const child = spawn(process.execPath, [BIN, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stderr.on('data', (chunk) => (output += chunk));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).to.equal(2);
      expect(output).to.include(message);
    });
  }

  it('rebuilds and reloads a function when its source changes', async () => {
    const sourceDir = mkdtempSync(join(tmpdir(), 'reload-source-'));
    const source = (version: string) => `export const handler = async () => ({ statusCode: 200, body: '${version}' });\n`;
    writeFileSync(join(sourceDir, 'app.ts'), source('first'));
    const copy = templateCopy((template) => addRoute(template, 'version', 'app.handler', { returnsBody: true, codeUri: sourceDir }));
    const local = await startLocalGateway({ template: copy.path, watch: true });
    try {
      const client = await connect(local.gateway.url);
      client.socket.send('{"action":"version"}');
      expect(await client.next()).to.equal('first');
      writeFileSync(join(sourceDir, 'app.ts'), source('second'));
      await eventually(() => local.reloads.some((event) => event.function === 'VersionFunction' && event.reloaded), 10_000);
      client.socket.send('{"action":"version"}');
      expect(await client.next()).to.equal('second');
      await client.close();
    } finally {
      await local.close();
      copy.remove();
      rmSync(sourceDir, { recursive: true, force: true });
    }
  });
});
