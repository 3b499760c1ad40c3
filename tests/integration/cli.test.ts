/** npm start as a user runs it: a child process, its banner, live reload, and Ctrl-C. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, eventually, refusedStatus } from '../helpers/clients.js';
import { startLocalGateway } from '../helpers/gateway.js';
import { addRoute, templateCopy } from '../helpers/template-copy.js';

describe('npm start', function () {
  this.timeout(60_000);

  it('prints the banner, serves the API, and shuts down cleanly on SIGINT', async () => {
    const { AUTH_TOKEN: _, ...env } = process.env; // an open API, whatever the caller's shell holds
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/sam-local-websocket/src/cli/start.ts', '--port', '0', '--db-port', '0', '--no-watch'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await eventually(() => /WebSocket URL\s+ws:\/\/localhost:\d+\/dev/.test(output), 30_000);
      expect(output).to.match(/npx wscat -c ws:\/\/localhost:\d+\/dev/);
      expect(output).to.include('{"action": "broadcast", "data": "Tervehdys kaikille!"}');
      expect(output).to.match(/DynamoDB\s+http:\/\/localhost:\d+\s+tables: ConnectionsTable/);
      expect(output).to.match(/IAM\s+enforce: functions hold to their template policies \(account 000000000000, region us-east-1; --iam off\)/);
      // Same binary as this run (process.execPath), and no "(differs: ...)" note after the template's runtime.
      expect(output).to.include(`Functions run on  Node.js ${process.version}   (template Runtime: nodejs${process.versions.node.split('.')[0]}.x)\n`);
      const url = /WebSocket URL\s+(ws:\/\/\S+)/.exec(output)![1];
      const client = await connect(url);
      client.socket.send('{"action":"broadcast","data":"Tervehdys kaikille!"}');
      expect(await client.next()).to.equal('Tervehdys kaikille!');
      await eventually(() => /broadcast\s+\S+\s+200/.test(output));
      child.kill('SIGINT');
      expect((await client.closed).code).to.equal(1001);
      expect(await exited).to.equal(0);
      expect(output).to.match(/\$disconnect\s+\S+\s+200/);
    } finally {
      child.kill('SIGKILL');
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
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'packages/sam-local-websocket/src/cli/start.ts', '--port', '0', '--db-port', '0', '--no-watch', ...way.args],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, ...way.env } },
      );
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        await eventually(() => output.includes('One line per invocation'), 30_000);
        expect(output).to.match(/ws:\/\/localhost:\d+\/dev\?Auth=<token>/);
        expect(output).to.match(/npx wscat -c "ws:\/\/localhost:\d+\/dev\?Auth=\$AUTH_TOKEN"/);
        const url = /WebSocket URL\s+(ws:\/\/[^?\s]+)/.exec(output)![1];
        expect(await refusedStatus(url)).to.equal(401);
        const client = await connect(`${url}?Auth=${token}`);
        await client.close();
        child.kill('SIGINT');
        expect(await exited).to.equal(0);
        expect(output).to.not.include(token);
      } finally {
        child.kill('SIGKILL');
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
      const child = spawn(process.execPath, ['--import', 'tsx', 'packages/sam-local-websocket/src/cli/start.ts', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
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
