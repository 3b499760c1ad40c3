/** `sam-local-websocket token` as a user runs it, against a gateway with and without the local issuer. */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { BIN } from '../helpers/command.js';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

/** Runs the token command; its exit code and what it printed. */
function token(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'token', ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('sam-local-websocket token', function () {
  this.timeout(60_000);
  let local: LocalGateway | undefined;
  afterEach(async () => {
    await local?.close();
    local = undefined;
  });

  it('says there is no local issuer when the gateway runs without --auth jwt (its 403 for any other path)', async () => {
    local = await startLocalGateway();
    const answer = await token(['--sub', 'alice', '--port', String(local.gateway.port)]);
    expect(answer.code).to.equal(1);
    expect(answer.stdout).to.equal('');
    expect(answer.stderr).to.equal(
      `sam-local-websocket token: no local issuer at http://127.0.0.1:${local.gateway.port}/local-issuer/token: start the gateway with --auth jwt\n`,
    );
  });

  it('prints a token alone on stdout from a gateway with the local issuer', async () => {
    local = await startLocalGateway({ localIssuer: true });
    const answer = await token(['--sub', 'alice', '--port', String(local.gateway.port)]);
    expect(answer.code).to.equal(0);
    expect(answer.stdout).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});
