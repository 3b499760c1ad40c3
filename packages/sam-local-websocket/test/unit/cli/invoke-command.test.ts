import { expect } from 'chai';
import sinon from 'sinon';
import { INVOKE_HELP } from '../../../src/cli/invoke-options.js';
import { runInvoke, type InvokeCommandDeps } from '../../../src/cli/invoke-command.js';
import type { Outcome } from '../../../src/lambda/container-protocol.js';
import { readableLogLine } from '../../../src/lambda/log-line.js';
import { tempFiles } from '../../helpers/temp-files.js';
import { BuildError, GatewayNotRunningError, UnknownFunctionError } from '../../../src/errors.js';

describe('local/invoke-command', () => {
  const file = tempFiles({ 'event.json': '{"requestContext":{"routeKey":"broadcast"}}' });

  /** npm run invoke with `invoke` in place of a real invocation; what it printed, by stream. */
  function run(argv: string[], invoke: InvokeCommandDeps['invoke'], env: NodeJS.ProcessEnv = {}) {
    const printed = { out: [] as string[], err: [] as string[] };
    const code = runInvoke(argv, { env, invoke, out: (line) => printed.out.push(line), err: (line) => printed.err.push(line) });
    return { code, printed };
  }
  const returned = (result: unknown): Outcome => ({ ok: true, result, ms: 12, requestId: 'req-1' });
  const args = () => ['BroadcastFunction', '-e', file('event.json')];

  it('prints the help on stdout and exits 0, invoking nothing', async () => {
    const invoke = sinon.stub();
    const { code, printed } = run(['--help'], invoke);
    expect(await code).to.equal(0);
    expect(printed).to.deep.equal({ out: [INVOKE_HELP], err: [] });
    expect(invoke.called).to.equal(false);
  });

  it('exits 2 on bad flags with one line pointing at --help, invoking nothing', async () => {
    const invoke = sinon.stub();
    for (const argv of [
      ['-e', file('event.json')],
      ['BroadcastFunction', '-e', ''],
      [...args(), '--nope'],
    ]) {
      const { code, printed } = run(argv, invoke);
      expect(await code, argv.join(' ')).to.equal(2);
      expect(printed.out).to.deep.equal([]);
      expect(printed.err).to.have.length(1);
      expect(printed.err[0]).to.match(/^sam-local-websocket invoke: .+ \(see --help\)$/);
    }
    expect(invoke.called).to.equal(false);
  });

  it('under npm run, says when no event was given (npm takes -e before --), and how to pass it', async () => {
    const npm = { npm_lifecycle_event: 'invoke' };
    const bare = run(['BroadcastFunction'], sinon.stub().resolves(returned(null)), npm);
    expect(await bare.code).to.equal(0);
    expect(bare.printed.err[0]).to.equal(
      'sam-local-websocket invoke: no -e/--event given, so the event is {}; through npm run, put -- before the arguments: npm run invoke -- FUNCTION -e FILE',
    );
    const given = run(args(), sinon.stub().resolves(returned(null)), npm);
    await given.code;
    expect(given.printed.err).to.deep.equal(['REPORT RequestId: req-1  Duration: 12 ms']);
    const outsideNpm = run(['BroadcastFunction'], sinon.stub().resolves(returned(null)));
    await outsideNpm.code;
    expect(outsideNpm.printed.err).to.deep.equal(['REPORT RequestId: req-1  Duration: 12 ms']);
    const stray = run(['BroadcastFunction', 'events/x.json'], sinon.stub(), npm);
    expect(await stray.code).to.equal(2);
    expect(stray.printed.err[0]).to.match(/\(see --help; through npm run, put -- before the arguments: npm run invoke -- FUNCTION -e FILE\)$/);
  });

  it('invokes the function with the event and the flags (PORT from its environment)', async () => {
    const invoke = sinon.stub().resolves(returned(null));
    await run(args(), invoke, { PORT: '4555' }).code;
    expect(invoke.callCount).to.equal(1);
    expect(invoke.firstCall.args[0]).to.deep.include({ functionName: 'BroadcastFunction', event: { requestContext: { routeKey: 'broadcast' } }, port: 4555 });
  });

  it('returned: exit 0, REPORT on stderr, RESULT {json} alone on stdout', async () => {
    const { code, printed } = run(args(), sinon.stub().resolves(returned({ statusCode: 200, body: 'sent' })));
    expect(await code).to.equal(0);
    expect(printed.out).to.deep.equal(['RESULT {"statusCode":200,"body":"sent"}']);
    expect(printed.err).to.deep.equal(['REPORT RequestId: req-1  Duration: 12 ms']);
  });

  it('threw or timed out: exit 1, RESULT {errorType, errorMessage}', async () => {
    const failed: Outcome = { ok: false, error: { name: 'TypeError', message: 'x is undefined' }, ms: 3, requestId: 'req-2' };
    const { code, printed } = run(args(), sinon.stub().resolves(failed));
    expect(await code).to.equal(1);
    expect(printed.out).to.deep.equal(['RESULT {"errorType":"TypeError","errorMessage":"x is undefined"}']);
    expect(printed.err).to.deep.equal(['REPORT RequestId: req-2  Duration: 3 ms']);
  });

  it('writes the function’s log lines readably on stderr, named by function, before the REPORT', async () => {
    const record = '{"level":"INFO","message":"broadcast sent","timestamp":"2026-01-01T00:00:00.000Z","service":"ws"}';
    const invoke: InvokeCommandDeps['invoke'] = async (options) => {
      options.log('BroadcastFunction', record);
      return returned(null);
    };
    const { code, printed } = run(args(), invoke);
    await code;
    expect(printed.err[0]).to.equal(`[BroadcastFunction] ${readableLogLine(record)}`);
    expect(printed.err[0]).to.not.include('"level"'); // read, not the raw JSON
    expect(printed.err[1]).to.match(/^REPORT /);
  });

  const FAILURES: { name: string; error: Error; code: number }[] = [
    { name: 'no running gateway', error: new GatewayNotRunningError('no local gateway answered at 127.0.0.1:3001'), code: 3 },
    { name: 'an unknown function', error: new UnknownFunctionError('no function Nope', ['ConnectFunction']), code: 2 },
    { name: 'a bundle that does not build', error: new BuildError('esbuild failed'), code: 1 },
  ];
  for (const failure of FAILURES) {
    it(`${failure.name}: exit ${failure.code}, its message on stderr, no RESULT`, async () => {
      const { code, printed } = run(args(), sinon.stub().rejects(failure.error));
      expect(await code).to.equal(failure.code);
      expect(printed).to.deep.equal({ out: [], err: [`sam-local-websocket invoke: ${failure.error.message}`] });
    });
  }
});
