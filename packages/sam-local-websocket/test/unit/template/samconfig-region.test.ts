import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samconfigRegion } from '../../../src/template/parameters.js';
import { readCliOptions } from '../../../src/cli/start-options.js';

describe('samconfig.toml: the region', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'samconfig-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const template = () => dir;

  it('reads the region the project deploys to: deploy parameters first, then global', () => {
    writeFileSync(join(dir, 'samconfig.toml'), 'version = 0.1\n[default.global.parameters]\nregion = "eu-north-1" # here\n');
    expect(samconfigRegion(template())).to.equal('eu-north-1');
    writeFileSync(
      join(dir, 'samconfig.toml'),
      '[default.global.parameters]\nregion = \'eu-north-1\'\n[default.deploy.parameters]\nregion = "ap-southeast-2"\n',
    );
    expect(samconfigRegion(template())).to.equal('ap-southeast-2');
  });

  it('finds none without the file, without the key, or with a value that is no region', () => {
    expect(samconfigRegion(template())).to.equal(undefined);
    writeFileSync(join(dir, 'samconfig.toml'), '[default.deploy.parameters]\nregion = "not a region"\n[dev.deploy.parameters]\nregion = "us-west-2"\n');
    expect(samconfigRegion(template())).to.equal(undefined);
    writeFileSync(join(dir, 'samconfig.toml'), 'not [ toml');
    expect(samconfigRegion(template())).to.equal(undefined);
  });

  it('is the twin’s region unless --region says otherwise', () => {
    writeFileSync(join(dir, 'samconfig.toml'), '[default.global.parameters]\nregion = "eu-north-1"\n');
    expect(readCliOptions(['--template', join(dir, 'template.yaml')], {})).to.include({ region: 'eu-north-1' });
    expect(readCliOptions(['--template', join(dir, 'template.yaml'), '--region', 'us-west-2'], {})).to.include({ region: 'us-west-2' });
    expect(readCliOptions(['--template', join(dir, 'template.yaml'), '--allow-admin-keys'], {})).to.include({ allowAdminKeys: true });
  });
});
