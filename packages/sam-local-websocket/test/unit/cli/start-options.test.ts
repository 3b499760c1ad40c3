import { expect } from 'chai';
import { DEFAULT_FAULTS } from '../../../src/api-gateway/faults.js';
import { CLI_HELP, readCliOptions } from '../../../src/cli/start-options.js';
import { DEFAULT_GATEWAY_OPTIONS as D } from '../../../src/stack/options.js';
import { OptionError } from '../../../src/errors.js';
import { tempFiles } from '../../helpers/temp-files.js';

/** Reads flags with no PORT, DB_PORT or AUTH_TOKEN in the environment (unless given). */
const read = (argv: string[], env: NodeJS.ProcessEnv = {}) => readCliOptions(argv, env);

describe('local/cli-options', () => {
  const file = tempFiles({ 'env.json': '{"Parameters":{"LOG_LEVEL":"DEBUG"}}', 'broken.json': '{"Parameters":' });

  it('answers help for -h or --help, whatever else is given', () => {
    expect(read(['-h'])).to.equal('help');
    expect(read(['--port', 'abc', '--help'])).to.equal('help');
  });

  it('shows every default as the gateway’s own, never restated', () => {
    for (const line of [
      `(default ${D.port}; env PORT)`,
      `(default ${D.host})`,
      `(default ${D.dbPort}; env DB_PORT)`,
      `(default ${D.template})`,
      `(default ${D.idleTimeoutMs / 1000})`,
      `(default ${D.maxDurationMs / 1000})`,
      `--iam MODE            enforce (default ${D.iam})`,
      `(default ${D.containersPerFunction})`,
      `(default ${D.shutdownTimeoutMs / 1000})`,
      `(default ${DEFAULT_FAULTS.latencyMs})`,
      `(default ${DEFAULT_FAULTS.failureStatus})`,
    ]) {
      expect(CLI_HELP).to.include(line);
    }
  });

  it('takes every flag its help lists (those with a value of their own have tests below)', () => {
    const flags = [...CLI_HELP.matchAll(/^\s+(?:-h, )?(--[\w-]+)(?: (\S+))?/gm)].map(([, flag, value]) =>
      value && value === value.toUpperCase() ? [flag, '1'] : [flag],
    );
    expect(flags.length).to.be.greaterThan(15);
    for (const flag of flags.filter(
      ([name]) => !['--help', '--auth', '--iam', '--parameter', '--parameter-overrides', '--env-vars', '--connections-failure-status'].includes(name),
    )) {
      expect(() => read(flag), flag.join(' ')).to.not.throw();
    }
  });

  it('takes --parameter-overrides as sam deploy does (several after one flag, both forms), under --parameter', () => {
    const options = read(['--parameter-overrides', 'A=1', 'ParameterKey=B,ParameterValue=2', 'C=x', '--parameter', 'C=3', '--no-watch']);
    expect(options).to.deep.include({ parameters: { A: '1', B: '2', C: '3' }, watch: false });
    expect(read(['--parameter-overrides=A="two words" D=4'])).to.deep.include({ parameters: { A: 'two words', D: '4' } });
  });

  it('leaves out every flag not given, so the gateway’s defaults apply', () => {
    expect(read([])).to.deep.equal({ parameters: {}, watch: true, faults: {} });
  });

  it('reads every flag into the gateway’s options, seconds as ms', () => {
    const options = read([
      ...[
        '--port',
        '4000',
        '--host',
        '0.0.0.0',
        '--stage',
        'prod',
        '--db-port',
        '0',
        '--db-path',
        '/tmp/db',
        '--template',
        't.yaml',
        '--page',
        'web',
        '--ready-json',
      ],
      ...['--parameter', 'A=1', '--parameter', 'B=x=y', '--env-vars', file('env.json'), '--auth-token', 'tok'],
      ...[
        '--idle-timeout',
        '5',
        '--max-duration',
        '60',
        '--close-timeout',
        '250',
        '--no-watch',
        '--containers',
        '3',
        '--iam',
        'off',
        '--shutdown-timeout',
        '2',
      ],
      ...['--connections-latency', '25.5', '--connections-failure-rate', '0.5', '--connections-failure-status', '429'],
    ]);
    expect(options).to.deep.equal({
      port: 4000,
      host: '0.0.0.0',
      stage: 'prod',
      dbPort: 0,
      dbPath: '/tmp/db',
      template: 't.yaml',
      page: 'web',
      readyJson: true,
      parameters: { A: '1', B: 'x=y', AuthToken: 'tok' },
      envVars: { Parameters: { LOG_LEVEL: 'DEBUG' } },
      idleTimeoutMs: 5000,
      maxDurationMs: 60_000,
      closeTimeoutMs: 250,
      watch: false,
      containersPerFunction: 3,
      iam: 'off',
      shutdownTimeoutMs: 2000,
      faults: { latencyMs: 25.5, failureRate: 0.5, failureStatus: 429 },
    });
  });

  it('reads PORT, DB_PORT and AUTH_TOKEN from the environment, a flag winning over each', () => {
    const env = { PORT: '5000', DB_PORT: '5001', AUTH_TOKEN: 'from-env' };
    expect(read([], env)).to.deep.include({ port: 5000, dbPort: 5001, parameters: { AuthToken: 'from-env' } });
    expect(read(['--port', '1', '--db-port', '2', '--auth-token', 'flag'], env)).to.deep.include({ port: 1, dbPort: 2, parameters: { AuthToken: 'flag' } });
    expect(() => read([], { PORT: 'eighty' })).to.throw(OptionError, '--port must be a whole number, got "eighty"');
  });

  it('sets the template’s AuthMode from --auth; jwt also runs the local issuer', () => {
    expect(read(['--auth', 'jwt'])).to.deep.include({ parameters: { AuthMode: 'jwt' }, localIssuer: true });
    expect(read(['--auth', 'token'])).to.deep.equal({ parameters: { AuthMode: 'token' }, watch: true, faults: {} });
    expect(read(['--auth', 'none'])).to.not.have.property('localIssuer');
  });

  // Each flag with the values it refuses and what it says (followed by `got "VALUE"`).
  const BAD_VALUES: Record<string, { values: string[]; says: string }> = {
    '--port': { values: ['abc', '-1', ' ', '', '1.5', '65536.5'], says: 'must be a whole number' },
    '--db-port': { values: ['1.5', 'NaN'], says: 'must be a whole number' },
    '--idle-timeout': { values: ['0.5'], says: 'must be a whole number' },
    '--max-duration': { values: ['Infinity', '-60'], says: 'must be a whole number' },
    '--shutdown-timeout': { values: ['-5'], says: 'must be a whole number' },
    '--close-timeout': { values: ['1.5', 'soon'], says: 'must be a whole number' },
    '--containers': { values: ['many', '2.5'], says: 'must be a whole number' },
    '--auth': { values: ['open', '', 'JWT'], says: 'must be none, token or jwt' },
    '--iam': { values: ['audit', 'Enforce'], says: 'takes enforce or off' },
    '--parameter': { values: ['NoEquals', '=value'], says: 'takes Name=Value' },
    '--connections-latency': { values: ['-1', 'Infinity', 'soon', '', ' '], says: 'must be a number of ms' },
    '--connections-failure-rate': { values: ['1.01', '-0.1', 'half', ' ', ''], says: 'must be between 0 and 1' },
    '--connections-failure-status': { values: ['abc', '404', '', ' ', '500.5'], says: 'takes 403, 410, 429, 500' },
  };
  for (const [flag, { values, says }] of Object.entries(BAD_VALUES)) {
    it(`refuses ${flag} ${values.map((value) => JSON.stringify(value)).join(', ')} with an OptionError naming the value`, () => {
      for (const value of values) {
        const message = `${flag} ${says}, got "${value}"`;
        expect(() => read([`${flag}=${value}`]), message)
          .to.throw(OptionError, message)
          .with.property('code', 'option_invalid');
      }
    });
  }

  it('refuses --containers 0: a function needs at least one', () => {
    expect(() => read(['--containers', '0']))
      .to.throw(OptionError, '--containers must be at least 1')
      .with.property('code', 'option_invalid');
  });

  it('refuses an --env-vars file it cannot read or parse, keeping the cause', () => {
    const missing = file('missing.json');
    const unreadable = () => read(['--env-vars', missing]);
    expect(unreadable).to.throw(OptionError, `--env-vars: cannot read ${missing} (ENOENT)`).with.nested.property('cause.code', 'ENOENT');
    const broken = () => read(['--env-vars', file('broken.json')]);
    expect(broken).to.throw(OptionError, 'is not valid JSON').with.property('cause').that.is.instanceOf(SyntaxError);
  });

  it('refuses unknown flags, flags without their value and stray arguments with parseArgs’ own codes', () => {
    expect(() => read(['--prot', '3000']))
      .to.throw(TypeError)
      .with.property('code', 'ERR_PARSE_ARGS_UNKNOWN_OPTION');
    expect(() => read(['--port']))
      .to.throw(TypeError)
      .with.property('code', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE');
    expect(() => read(['3000']))
      .to.throw(TypeError)
      .with.property('code', 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL');
    expect(() => read(['--no-port']))
      .to.throw(TypeError)
      .with.property('code', 'ERR_PARSE_ARGS_UNKNOWN_OPTION');
    expect(() => read(['--port', '-1']))
      .to.throw(TypeError)
      .with.property('code', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE');
  });
});
