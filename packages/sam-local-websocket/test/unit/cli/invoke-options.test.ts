import { expect } from 'chai';
import { DEFAULT_GATEWAY_OPTIONS as D } from '../../../src/stack/options.js';
import { exitCodeOf, INVOKE_HELP, readInvokeOptions } from '../../../src/cli/invoke-options.js';
import { EXIT } from '../../../src/cli/invoke-output.js';
import { tempFiles } from '../../helpers/temp-files.js';
import { BuildError, GatewayNotRunningError, OptionError, TemplateError, UnknownFunctionError } from '../../../src/errors.js';

/** Reads flags with no PORT, DB_PORT or AUTH_TOKEN in the environment (unless given). */
const read = (
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  stdin = (): string => {
    throw new Error('stdin is not read here');
  },
) => readInvokeOptions(argv, env, stdin);

describe('local/invoke-options', () => {
  const file = tempFiles({
    'event.json': '{"requestContext":{"routeKey":"$default"}}',
    'env.json': '{"BroadcastFunction":{"LOG_LEVEL":"DEBUG"}}',
    'broken.json': '{',
  });
  let event: string;
  before(() => (event = file('event.json')));

  it('answers help for -h or --help, before checking anything else', () => {
    expect(read(['-h'])).to.equal('help');
    expect(read(['--help', 'A', 'B'])).to.equal('help');
  });

  it('shows the gateway’s own defaults and the exit codes in its help', () => {
    for (const text of [
      `(default ${D.template})`,
      `(default ${D.port}; env PORT)`,
      `(default ${D.dbPort}; env DB_PORT)`,
      `(default ${D.host})`,
      `else ${D.region})`,
    ]) {
      expect(INVOKE_HELP).to.include(text);
    }
    expect(INVOKE_HELP).to.include(`Exit codes: ${EXIT.ok} returned, ${EXIT.functionError} the handler threw`);
    expect(INVOKE_HELP).to.include(`${EXIT.gatewayNotRunning} no running gateway found`);
  });

  it('takes the function and the event, with the gateway’s defaults for the rest', () => {
    expect(read(['BroadcastFunction', '-e', event])).to.deep.equal({
      functionName: 'BroadcastFunction',
      event: { requestContext: { routeKey: '$default' } },
      template: D.template,
      parameters: {},
      envVars: {},
      region: D.region,
      host: D.host,
      port: D.port,
      dbPort: D.dbPort,
      stage: undefined,
    });
  });

  it('reads every flag', () => {
    const argv = ['--event', event, '--env-vars', file('env.json'), '--template', 't.yaml', '--parameter', 'StageName=prod', '--port', '4000'];
    const options = read([...argv, '--db-port', '4001', '--host', '::1', '--stage', 'prod', '--region', 'eu-north-1', 'ConnectFunction']);
    expect(options).to.deep.include({
      functionName: 'ConnectFunction',
      envVars: { BroadcastFunction: { LOG_LEVEL: 'DEBUG' } },
      template: 't.yaml',
      parameters: { StageName: 'prod' },
      port: 4000,
      dbPort: 4001,
      host: '::1',
      stage: 'prod',
      region: 'eu-north-1',
    });
  });

  it('reads PORT, DB_PORT and AUTH_TOKEN from the environment, a flag winning over the ports', () => {
    const env = { PORT: '5000', DB_PORT: '5001', AUTH_TOKEN: 'from-env' };
    expect(read(['F', '-e', event], env)).to.deep.include({ port: 5000, dbPort: 5001, parameters: { AuthToken: 'from-env' } });
    expect(read(['F', '-e', event, '--port', '1', '--db-port', '2'], env)).to.deep.include({ port: 1, dbPort: 2 });
    expect(() => read(['F', '-e', event], { DB_PORT: '8000x' })).to.throw(OptionError, '--db-port must be a whole number, got "8000x"');
  });

  const refusals: [string, string[], string][] = [
    ['no function', ['-e', 'x.json'], 'name one function to invoke'],
    ['two functions', ['A', 'B', '-e', 'x.json'], 'name one function to invoke'],
    ['an empty event name', ['A', '-e', ''], '-e/--event takes a FILE, or - to read the event from stdin'],
    ['a bad port', ['A', '-e', 'x.json', '--port', '3001.5'], '--port must be a whole number'],
    ['a bad parameter', ['A', '-e', 'x.json', '--parameter', 'x'], '--parameter takes Name=Value, got "x"'],
  ];
  for (const [what, argv, message] of refusals) {
    it(`refuses ${what} with an OptionError`, () => {
      const withEvent = argv.map((arg) => (arg === 'x.json' ? event : arg));
      expect(() => read(withEvent))
        .to.throw(OptionError, message)
        .with.property('code', 'option_invalid');
    });
  }

  it('takes {} when no event is given and reads -e - from stdin, as sam local invoke does', () => {
    expect(read(['A'])).to.deep.include({ event: {} });
    expect(read(['A', '-e', '-'], {}, () => '{"from":"stdin"}\n')).to.deep.include({ event: { from: 'stdin' } });
    expect(() => read(['A', '-e', '-'], {}, () => '{'))
      .to.throw(OptionError, '-e -: the event on stdin is not valid JSON')
      .with.property('cause')
      .that.is.instanceOf(SyntaxError);
    const closed = Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    expect(() =>
      read(['A', '-e', '-'], {}, () => {
        throw closed;
      }),
    ).to.throw(OptionError, '-e -: cannot read the event from stdin (EAGAIN)');
  });

  it('refuses an event or --env-vars file it cannot read or parse, keeping the cause', () => {
    expect(() => read(['A', '-e', file('none.json')]))
      .to.throw(OptionError, '--event: cannot read')
      .with.nested.property('cause.code', 'ENOENT');
    expect(() => read(['A', '-e', file('broken.json')]))
      .to.throw(OptionError, '--event: ')
      .with.property('cause')
      .that.is.instanceOf(SyntaxError);
    expect(() => read(['A', '-e', event, '--env-vars', file('')]))
      .to.throw(OptionError, '--env-vars: cannot read')
      .with.nested.property('cause.code', 'EISDIR');
  });

  it('refuses a flag it does not know with parseArgs’ own code', () => {
    expect(() => read(['A', '-e', event, '--watch']))
      .to.throw(TypeError)
      .with.property('code', 'ERR_PARSE_ARGS_UNKNOWN_OPTION');
    expect(() => read(['A', '-e']))
      .to.throw(TypeError)
      .with.property('code', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE');
  });

  it('exits by what failed: no gateway 3, a bundle that does not build 1, a usage error 2, anything else 1', () => {
    expect(exitCodeOf(new GatewayNotRunningError('none at :3001'))).to.equal(EXIT.gatewayNotRunning);
    expect(exitCodeOf(new BuildError('esbuild failed'))).to.equal(EXIT.functionError);
    expect(exitCodeOf(new OptionError('bad flag'))).to.equal(EXIT.usage);
    expect(exitCodeOf(new TemplateError('no Resources'))).to.equal(EXIT.usage);
    expect(exitCodeOf(new UnknownFunctionError('no F', ['A']))).to.equal(EXIT.usage);
    expect(exitCodeOf(Object.assign(new TypeError('Unknown option'), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }))).to.equal(EXIT.usage);
    expect(exitCodeOf(Object.assign(new Error('socket'), { code: 'ECONNRESET' }))).to.equal(EXIT.functionError);
    expect(exitCodeOf(new Error('worker crashed'))).to.equal(EXIT.functionError);
  });
});
