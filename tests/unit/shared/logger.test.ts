import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs a short script against the shared logger in a fresh process (the logger reads its
 * environment once, at import, as it does at a Lambda cold start) and parses its stdout.
 */
async function linesOf(script: string, env: Record<string, string>): Promise<Record<string, any>[]> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    // Lambda sets AWS_LAMBDA_INITIALIZATION_TYPE; Powertools reports a cold start only with it.
    env: { ...process.env, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', ...env },
  });
  // Lines are checked per stream: Powertools writes warnings and errors to stderr.
  return [...stdout.split('\n'), ...stderr.split('\n')].filter(Boolean).map((line) => JSON.parse(line));
}

const SCRIPT = `
  import { logger, startInvocationLogs } from './functions/shared/logger.ts';
  const context = (id) => ({ awsRequestId: id, functionName: 'Fn' });
  startInvocationLogs(context('r1'), { connectionId: 'a=' });
  logger.debug('debug line'); logger.info('info line'); logger.error('error line');
  startInvocationLogs(context('r2'), { connectionId: 'b=' });
  logger.info('second invocation');
`;

describe('logger', () => {
  it('takes its level from POWERTOOLS_LOG_LEVEL', async () => {
    const errorsOnly = await linesOf(SCRIPT, { POWERTOOLS_LOG_LEVEL: 'ERROR' });
    expect(errorsOnly.map((line) => line.message)).to.deep.equal(['error line']);
    const debug = await linesOf(SCRIPT, { POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    expect(debug.map((line) => line.level).sort()).to.deep.equal(['DEBUG', 'ERROR', 'INFO', 'INFO']);
  });

  it('marks the first invocation of a process as the cold start, and names the service', async () => {
    const lines = await linesOf(SCRIPT, { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_SERVICE_NAME: 'my-stack' });
    expect(lines.map((line) => [line.message, line.function_request_id, line.cold_start, line.connectionId, line.service])).to.deep.equal([
      ['info line', 'r1', true, 'a=', 'my-stack'],
      ['second invocation', 'r2', false, 'b=', 'my-stack'],
      ['error line', 'r1', true, 'a=', 'my-stack'],
    ]);
  });
});
