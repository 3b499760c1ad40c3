/** Checks over the repository itself: secrets, dependencies, documentation. */
import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('repository', () => {
  it('holds no secret in the template, the functions or the local gateway', () => {
    const files = ['template.yaml', 'samconfig.toml', ...filesUnder('functions'), ...filesUnder('packages/sam-local-websocket/src'), ...filesUnder('events')];
    const patterns = [
      /AKIA[0-9A-Z]{16}/, // an AWS access key id
      /aws_secret_access_key\s*=/i,
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
      /AuthToken=(?!\$|<|my-local-token|TOKEN|T\b|\.\.\.)[^\s"]+/, // a token written into a command
    ];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of patterns) expect(text, `${file} matches ${pattern}`).to.not.match(pattern);
    }
  });

  it('names every dependency, with its reason, in docs/development.md', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const page = readFileSync('docs/development.md', 'utf8');
    expect(page).to.include('## Dependencies');
    const section = page.slice(page.indexOf('## Dependencies'));
    for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies), ...Object.keys(pkg.optionalDependencies ?? {})]) {
      expect(section, name).to.include(`\`${name}\``);
    }
  });

  it('keeps production dependencies to the SDK (clients, partition data, the lean poster’s parts), the fan-out pool, Powertools and aws-jwt-verify', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).to.deep.equal([
      '@aws-lambda-powertools/logger',
      '@aws-lambda-powertools/metrics',
      '@aws-sdk/client-apigatewaymanagementapi',
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-lambda',
      '@aws-sdk/credential-provider-env',
      '@aws-sdk/credential-provider-node',
      '@aws-sdk/util-dynamodb',
      '@aws-sdk/util-endpoints',
      '@smithy/core',
      '@smithy/signature-v4',
      'aws-jwt-verify',
      'p-map',
    ]);
  });

  it('pins the lean poster’s SDK parts to the versions the SDK clients already use (one copy in each bundle)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
    for (const name of ['@aws-sdk/credential-provider-node', '@aws-sdk/credential-provider-env', '@smithy/core', '@smithy/signature-v4', '@smithy/types']) {
      const pinned = pkg.dependencies[name] ?? pkg.devDependencies[name];
      expect(pinned, name).to.match(/^\d+\.\d+\.\d+$/);
      expect(lock.packages[`node_modules/${name}`].version, name).to.equal(pinned);
      const copies = Object.keys(lock.packages).filter((path) => path.endsWith(`node_modules/${name}`));
      expect(copies, `${name} installed once`).to.deep.equal([`node_modules/${name}`]);
    }
  });
});
