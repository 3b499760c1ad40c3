import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envVarsFile, readJsonFile, templateParameters, wholeNumber } from '../../../src/cli/flags.js';

describe('local command options', () => {
  it('wholeNumber: a whole number, undefined when not given, an OptionError otherwise', () => {
    expect(wholeNumber('port', '0')).to.equal(0);
    expect(wholeNumber('port', undefined)).to.equal(undefined);
    for (const raw of ['abc', '-1', '1.5', ''])
      expect(() => wholeNumber('port', raw))
        .to.throw(/--port must be a whole number/)
        .with.property('code', 'option_invalid');
  });

  it('templateParameters: Name=Value pairs (the value may hold =), the token as AuthToken', () => {
    expect(templateParameters(['StageName=prod', 'X=a=b'], undefined)).to.deep.equal({ StageName: 'prod', X: 'a=b' });
    expect(templateParameters([], 'secret')).to.deep.equal({ AuthToken: 'secret' });
    expect(() => templateParameters(['=x'], undefined)).to.throw(/--parameter takes Name=Value/);
  });

  it('readJsonFile / envVarsFile: the parsed file, or an OptionError naming the flag and the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'options-'));
    try {
      writeFileSync(join(dir, 'env.json'), '{"Parameters":{"A":"1"}}');
      writeFileSync(join(dir, 'bad.json'), '{');
      expect(envVarsFile(join(dir, 'env.json'))).to.deep.equal({ Parameters: { A: '1' } });
      expect(envVarsFile(undefined)).to.equal(undefined);
      // Values become strings as SAM makes them; a section that is no object fails, as in SAM.
      writeFileSync(join(dir, 'typed.json'), '{"Fn":{"N":5,"B":true,"O":{"Ref":"X"},"Z":null}}');
      expect(envVarsFile(join(dir, 'typed.json'))).to.deep.equal({ Fn: { N: '5', B: 'true', O: '', Z: '' } });
      writeFileSync(join(dir, 'flat.json'), '{"TABLE_NAME":"t"}');
      expect(() => envVarsFile(join(dir, 'flat.json')))
        .to.throw(/section TABLE_NAME must be an object of variables/)
        .with.property('code', 'option_invalid');
      writeFileSync(join(dir, 'list.json'), '[]');
      expect(() => envVarsFile(join(dir, 'list.json'))).to.throw(/must hold an object of sections/);
      expect(() => readJsonFile('event', join(dir, 'bad.json')))
        .to.throw(/--event: .*bad\.json is not valid JSON/)
        .with.property('code', 'option_invalid');
      expect(() => readJsonFile('event', join(dir, 'missing.json'))).to.throw(/--event: cannot read .*missing\.json \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
