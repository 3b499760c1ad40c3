/**
 * npm run invoke as a user runs it: a child process (its entry, on this run's Node.js) against a
 * gateway started here. Results are read from the documented RESULT line and the exit code.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { EXIT, RESULT_PREFIX } from 'sam-local-websocket';
import { connect } from 'websocket-test-clients';
import { AUTHORIZER_SAMPLE, SAMPLE_EVENTS, sampleEventFiles, WORKER_SAMPLE } from '../helpers/events.js';
import { readFileSync } from 'node:fs';
import { COMMAND } from '../helpers/command.js';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

/** What one run of the command printed and how it ended. */
interface InvokeRun {
  code: number | null;
  /** The RESULT line's JSON, when there was one. */
  result?: any;
  stderr: string;
}

/**
 * Runs `npm run invoke`'s command (`sam-local-websocket invoke`) with `args` (and `stdin` written to its standard input, which is
 * otherwise closed); the caller's AUTH_TOKEN, PORT and DB_PORT are not passed on.
 */
function invoke(args: string[], stdin?: string): Promise<InvokeRun> {
  const { AUTH_TOKEN: _a, PORT: _p, DB_PORT: _d, ...env } = process.env;
  const child = spawn(process.execPath, [COMMAND, 'invoke', ...args], { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env });
  if (stdin !== undefined) child.stdin!.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX));
      resolve({ code, stderr, result: line === undefined ? undefined : JSON.parse(line.slice(RESULT_PREFIX.length)) });
    });
  });
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run invoke', function () {
  this.timeout(120_000);
  let local: LocalGateway;
  let at: string[];

  before(async () => {
    local = await startLocalGateway();
    at = ['--port', String(local.gateway.port), '--db-port', new URL(local.gateway.dbEndpoint).port];
  });
  after(() => local.close());

  it('connect.json stores its connection in the running gateway’s table, disconnect.json removes it', async () => {
    const connectionId = 'L0SM9cOFvHcCIhw='; // the samples' connection
    const connected = await invoke(['ConnectFunction', '-e', 'events/connect.json', ...at]);
    expect(connected.code).to.equal(EXIT.ok);
    expect(connected.result).to.deep.include({ statusCode: SAMPLE_EVENTS['connect.json'].status });
    expect(await local.stored(connectionId)).to.equal(true);
    const disconnected = await invoke(['DisconnectFunction', '-e', 'events/disconnect.json', ...at]);
    expect(disconnected.code).to.equal(EXIT.ok);
    expect(disconnected.result).to.deep.include({ statusCode: SAMPLE_EVENTS['disconnect.json'].status });
    expect(await local.stored(connectionId)).to.equal(false);
  });

  const others = Object.entries(SAMPLE_EVENTS).filter(([file]) => !['connect.json', 'disconnect.json', 'broadcast.json'].includes(file));

  it('covers every file in events/ (connect, disconnect and broadcast have tests of their own)', () => {
    const covered = [...others.map(([file]) => file), AUTHORIZER_SAMPLE.file, WORKER_SAMPLE.file, 'connect.json', 'disconnect.json', 'broadcast.json'];
    expect(covered.sort()).to.deep.equal(sampleEventFiles());
  });

  // One after another: on a loaded machine, cold starts side by side can outlast the Timeout.
  for (const [file, { function: name, status }] of others) {
    it(`${name} with ${file} answers ${status}`, async () => {
      const run = await invoke([name, '-e', `events/${file}`, ...at]);
      expect(run.code, run.stderr).to.equal(EXIT.ok);
      expect(run.result.statusCode).to.equal(status);
    });
  }

  it(`${AUTHORIZER_SAMPLE.function} with ${AUTHORIZER_SAMPLE.file} and its AuthToken answers Allow`, async () => {
    const args = [AUTHORIZER_SAMPLE.function, '-e', `events/${AUTHORIZER_SAMPLE.file}`, '--parameter', `AuthToken=${AUTHORIZER_SAMPLE.token}`, ...at];
    const run = await invoke(args);
    expect(run.code, run.stderr).to.equal(EXIT.ok);
    expect(run.result.policyDocument.Statement[0].Effect).to.equal('Allow');
  });

  it('BroadcastFunction with broadcast.json reaches the clients connected to the running gateway', async () => {
    const [first, second] = [await connect(local.gateway.url), await connect(local.gateway.url)];
    try {
      const run = await invoke(['BroadcastFunction', '-e', 'events/broadcast.json', ...at]);
      expect(run.code, run.stderr).to.equal(EXIT.ok);
      expect(run.result).to.deep.equal({ statusCode: 200 });
      expect(await first.next()).to.equal('Tervehdys kaikille!');
      expect(await second.next()).to.equal('Tervehdys kaikille!');
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it(`${WORKER_SAMPLE.function} with ${WORKER_SAMPLE.file} from stdin (-e -) posts its message to the connected clients`, async () => {
    // The sample's endpoint is npm start's default port: pointed at this test's gateway instead.
    const job = { ...JSON.parse(readFileSync(`events/${WORKER_SAMPLE.file}`, 'utf8')), endpoint: local.gateway.managementEndpoint };
    const client = await connect(local.gateway.url);
    try {
      const run = await invoke([WORKER_SAMPLE.function, '-e', '-', '--parameter', 'EnableFanOut=true', ...at], JSON.stringify(job));
      expect(run.code, run.stderr).to.equal(EXIT.ok);
      expect(run.result).to.equal(null);
      expect(await client.next()).to.equal(job.message);
    } finally {
      await client.close();
    }
  });

  it('with no event: {} as sam local invoke gives, which the broadcast answers 400 (no requestContext)', async () => {
    const run = await invoke(['BroadcastFunction', ...at]);
    expect(run.code, run.stderr).to.equal(EXIT.ok);
    expect(run.result).to.deep.include({ statusCode: 400 });
  });

  it('with no gateway at --port: exit code 3, one line naming where it looked, nothing run', async () => {
    const port = await closedPort();
    const run = await invoke(['BroadcastFunction', '-e', 'events/broadcast.json', '--port', String(port), '--db-port', at[3]]);
    expect(run.code).to.equal(EXIT.gatewayNotRunning);
    expect(run.result).to.equal(undefined);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.include(`127.0.0.1:${port}`);
  });

  it('with the gateway but no DynamoDB at --db-port: exit code 3, one line naming it', async () => {
    const dbPort = await closedPort();
    const run = await invoke(['BroadcastFunction', '-e', 'events/broadcast.json', '--port', at[1], '--db-port', String(dbPort)]);
    expect(run.code).to.equal(EXIT.gatewayNotRunning);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.include(`127.0.0.1:${dbPort}`);
  });

  it('an unknown function: exit code 2 and the template’s functions listed', async () => {
    const run = await invoke(['NoSuchFunction', '-e', 'events/broadcast.json', ...at]);
    expect(run.code).to.equal(EXIT.usage);
    const listed = /The template's functions: (.*)$/m.exec(run.stderr)?.[1].split(', ');
    expect(listed?.sort()).to.deep.equal(['BroadcastFunction', 'ConnectFunction', 'DefaultFunction', 'DisconnectFunction']);
  });
});
