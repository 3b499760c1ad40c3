/**
 * Compatibility templates for layers and SAM's builds: the twin mounts a function's layers as
 * Lambda extracts them under /opt, installs a package.json's production dependencies as
 * `sam build` does (once: a restart with nothing changed runs no npm), runs `make build-<LogicalId>`
 * with ARTIFACTS_DIR, and serves handlers compiled into dist/ by the project's own build.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { connect } from 'websocket-test-clients';
import { startLocalGateway } from '../../helpers/gateway.js';

const compat = (name: string) => fileURLToPath(new URL(`../../fixtures/compat/${name}/template.yaml`, import.meta.url));

/** Sends one message on a fresh connection and returns the parsed answer. */
async function ask(url: string, message: unknown): Promise<Record<string, unknown>> {
  const client = await connect(url);
  try {
    client.socket.send(JSON.stringify(message));
    return JSON.parse(await client.next()) as Record<string, unknown>;
  } finally {
    await client.close();
  }
}

describe('compatibility: layers and SAM builds', function () {
  this.timeout(120_000);

  it('layers: bare imports from /opt/nodejs/node_modules and /opt paths resolve, for ES modules and CommonJS, the later layer winning', async () => {
    const local = await startLocalGateway({ template: compat('layers') });
    try {
      expect(await ask(local.gateway.url, { action: 'esm' })).to.deep.equal({ greeting: 'hello esm from the layer', source: 'shared-layer' });
      expect(await ask(local.gateway.url, { action: 'cjs' })).to.deep.equal({ greeting: 'hello cjs from the layer', source: 'override-layer' });
    } finally {
      await local.close();
    }
  });
});
