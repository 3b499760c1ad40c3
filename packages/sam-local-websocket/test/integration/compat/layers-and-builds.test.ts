/**
 * Compatibility templates for layers and SAM's builds: the twin mounts a function's layers as
 * Lambda extracts them under /opt, installs a package.json's production dependencies as
 * `sam build` does (once: a restart with nothing changed runs no npm), runs `make build-<LogicalId>`
 * with ARTIFACTS_DIR, and serves handlers compiled into dist/ by the project's own build.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, eventually } from 'websocket-test-clients';
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

  it('layers: a layer SAM builds (nodejs24.x), bare imports from /opt/nodejs/node_modules and /opt paths resolve, for ES modules and CommonJS, the later layer winning', async () => {
    const local = await startLocalGateway({ template: compat('layers') });
    try {
      expect(await ask(local.gateway.url, { action: 'esm' })).to.deep.equal({
        greeting: 'hello esm from the layer',
        source: 'shared-layer',
        built: 'hello esm from a built layer',
        helper: 'built-layer',
      });
      expect(await ask(local.gateway.url, { action: 'cjs' })).to.deep.equal({ greeting: 'hello cjs from the layer', source: 'override-layer' });
    } finally {
      await local.close();
    }
  });

  describe('sam-builds (npm, makefile, tsc into dist/), in a copy', () => {
    let dir: string;
    // The project's own build: the TypeScript compiler this repository pins.
    const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    const keptInstalls = () =>
      readdirSync(join(dir, '.build', 'npm-deps')).map((hash) => statSync(join(dir, '.build', 'npm-deps', hash, '.installed')).mtimeMs);
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'compat-sam-builds-'));
      cpSync(fileURLToPath(new URL('../../fixtures/compat/sam-builds', import.meta.url)), dir, {
        recursive: true,
        filter: (path) => !path.includes('.build') && !path.endsWith('dist'),
      });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("refuses to start in one line naming dist/app.js before the project's own build", async () => {
      const error = await startLocalGateway({ template: join(dir, 'template.yaml') }).then(
        async (local) => {
          await local.close();
          return undefined;
        },
        (caught: Error) => caught,
      );
      expect(error?.message).to.match(/TscFunction: Handler dist\/app\.handler names dist\/app\.js .*run the project's own build first/);
    });

    it('serves all three after it, and a restart with nothing changed runs no npm', async () => {
      const built = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsc-app')], { encoding: 'utf8' });
      expect(built.status, built.stdout + built.stderr).to.equal(0);
      const first = await startLocalGateway({ template: join(dir, 'template.yaml') });
      try {
        expect(await ask(first.gateway.url, { action: 'npm' })).to.deep.equal({
          greeting: 'hello npm from a production dependency',
          devDependencyInstalled: false,
          version: 1,
        });
        expect(await ask(first.gateway.url, { action: 'make' })).to.deep.equal({ builtBy: 'make build-MakeFunction' });
        expect(await ask(first.gateway.url, { action: 'tsc' })).to.deep.equal({ compiledBy: 'tsc' });
      } finally {
        await first.close();
      }
      const installs = keptInstalls();
      // One install per package.json: npm-app's and tsc-app's.
      expect(installs).to.have.length(2);
      // No registry to reach: npm must not run at all.
      const registry = process.env.npm_config_registry;
      process.env.npm_config_registry = 'http://127.0.0.1:9/';
      try {
        // A source change rebuilds the function, with the dependencies it already has.
        const app = join(dir, 'npm-app', 'app.js');
        writeFileSync(app, readFileSync(app, 'utf8').replace('version: 1', 'version: 2'));
        const second = await startLocalGateway({ template: join(dir, 'template.yaml') });
        try {
          expect(await ask(second.gateway.url, { action: 'npm' })).to.include({ version: 2, greeting: 'hello npm from a production dependency' });
        } finally {
          await second.close();
        }
      } finally {
        if (registry === undefined) delete process.env.npm_config_registry;
        else process.env.npm_config_registry = registry;
      }
      expect(keptInstalls()).to.deep.equal(installs);
    });

    it('with watch, rebuilds and reloads a function when a file of its folder changes', async () => {
      const local = await startLocalGateway({ template: join(dir, 'template.yaml'), watch: true });
      try {
        const app = join(dir, 'npm-app', 'app.js');
        writeFileSync(app, readFileSync(app, 'utf8').replace(/version: \d/, 'version: 3'));
        await eventually(() => local.reloads.some((event) => event.function === 'NpmFunction'), 10_000);
        expect(local.reloads.find((event) => event.function === 'NpmFunction')).to.include({ reloaded: true });
        expect(await ask(local.gateway.url, { action: 'npm' })).to.include({ version: 3 });
      } finally {
        await local.close();
      }
    });
  });
});
