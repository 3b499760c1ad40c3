/**
 * The Lambda Invoke API under hostile input (issue 32 items 1, 4, 8; issue 30 item 9): deep
 * payloads reach the function, names and headers get Lambda's errors, answers over 6 MB fail as
 * Lambda's do, `LogType: Tail` returns the log, GetFunction and ListFunctions answer, and a
 * payload the twin cannot hold is refused with 429 instead of accepted and lost.
 */
import { GetFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { LOCAL_CREDENTIALS } from '../../src/dynamodb/store.js';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';
import { addRoute, templateCopy } from '../helpers/template-copy.js';

const HOSTILE_DIR = fileURLToPath(new URL('../fixtures/hostile', import.meta.url));
const nested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

describe('the Lambda Invoke API under hostile input', function () {
  this.timeout(60_000);
  let local: LocalGateway;
  let copy: ReturnType<typeof templateCopy>;
  let origin: string;
  let lambda: LambdaClient;

  before(async () => {
    copy = templateCopy((template) => {
      for (const [route, handler] of [
        ['depth', 'app.depth'],
        ['logLines', 'app.logLines'],
        ['answerOfSize', 'app.answerOfSize'],
        ['wait', 'app.wait'],
        ['blocked', 'app.wait'],
      ])
        addRoute(template, route, handler, { codeUri: HOSTILE_DIR, timeout: 30 });
      (template.Resources.BlockedFunction.Properties as Record<string, unknown>).ReservedConcurrentExecutions = 0;
    });
    local = await startLocalGateway({ template: copy.path, watch: false, iam: 'off' });
    origin = `http://127.0.0.1:${local.gateway.port}`;
    lambda = new LambdaClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: origin, maxAttempts: 1 });
  });
  after(async () => {
    lambda?.destroy();
    await local?.close();
    copy?.remove();
  });

  const invoke = (name: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${origin}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body, headers });

  it('passes a payload of 10,000 nested arrays to the function, twice in a row, and asynchronously, without dying', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await invoke('DepthFunction', nested(10_000));
      expect(answer.status).to.equal(200);
      expect(await answer.json()).to.deep.equal({ depth: 10_000 });
    }
    const before = local.invokes.length;
    expect((await invoke('DepthFunction', nested(10_000), { 'X-Amz-Invocation-Type': 'Event' })).status).to.equal(202);
    while (local.invokes.length === before) await new Promise((resolve) => setImmediate(resolve));
    expect(local.invokes.at(-1)).to.include({ function: 'DepthFunction', invocationType: 'Event', ok: true });
  });

  const refusals: [string, string, Record<string, string>, number, string, RegExp][] = [
    ['a path-traversing name', '..%2F..%2Fetc%2Fpasswd', {}, 400, 'ValidationException', /at 'functionName' failed to satisfy constraint/],
    [
      'another region',
      'arn%3Aaws%3Alambda%3Aeu-west-1%3AACCOUNT%3Afunction%3ADepthFunction',
      {},
      404,
      'ResourceNotFoundException',
      /Functions from 'eu-west-1' are not reachable in this region \('us-east-1'\)/,
    ],
    ['another account', 'arn%3Aaws%3Alambda%3Aus-east-1%3A999999999999%3Afunction%3ADepthFunction', {}, 403, 'AccessDeniedException', /999999999999/],
    ['a name of 171 characters', 'a'.repeat(171), {}, 400, 'ValidationException', /length less than or equal to 170/],
    [
      'a malformed client context',
      'DepthFunction',
      { 'X-Amz-Client-Context': 'not base64!' },
      400,
      'InvalidRequestContentException',
      /^Client context must be a valid Base64-encoded JSON object\.$/,
    ],
    [
      'a client context that is no object',
      'DepthFunction',
      { 'X-Amz-Client-Context': Buffer.from('[1]').toString('base64') },
      400,
      'InvalidRequestContentException',
      /Client context/,
    ],
    [
      'an unknown log type',
      'DepthFunction',
      { 'X-Amz-Log-Type': 'Everything' },
      400,
      'ValidationException',
      /at 'logType' failed to satisfy constraint: Member must satisfy enum value set: \[Tail, None\]/,
    ],
  ];
  for (const [what, name, headers, status, type, message] of refusals) {
    it(`answers ${what} with ${status} ${type}`, async () => {
      const answer = await invoke(name.replace('ACCOUNT', local.gateway.iam.accountId), '{}', headers);
      expect(answer.status).to.equal(status);
      expect(answer.headers.get('x-amzn-errortype')).to.equal(type);
      expect(((await answer.json()) as { message: string }).message).to.match(message);
    });
  }

  it('never echoes a long requested name whole', async () => {
    const name = `${'b'.repeat(160)}`;
    const answer = await invoke(`${name}:${'q'.repeat(5000)}`, '{}');
    const text = await answer.text();
    expect(answer.status).to.equal(400);
    expect(text.length).to.be.below(1000);
  });

  it('fails an answer over 6 MB with Function.ResponseSizeTooLarge, as Lambda does', async () => {
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'AnswerOfSizeFunction', Payload: JSON.stringify({ bytes: 7 * 1024 * 1024 }) }));
    expect(answer.FunctionError).to.equal('Unhandled');
    const error = JSON.parse(Buffer.from(answer.Payload!).toString());
    expect(error.errorType).to.equal('Function.ResponseSizeTooLarge');
    expect(error.errorMessage).to.match(/^Response payload size \(\d+ bytes\) exceeded maximum allowed payload size \(6291556 bytes\)\.$/);
  });

  it('returns the last 4 KB of the log in X-Amz-Log-Result for LogType Tail', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'z'.repeat(40)}`);
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'LogLinesFunction', LogType: 'Tail', Payload: JSON.stringify({ lines }) }));
    const log = Buffer.from(answer.LogResult!, 'base64').toString('utf8');
    expect(Buffer.byteLength(log)).to.be.at.most(4096);
    expect(log).to.include('line 199');
    expect(log).not.to.include('line 0 ');
    expect(log).to.match(/REPORT RequestId: [\w-]+\tDuration: /);
    const none = await lambda.send(new InvokeCommand({ FunctionName: 'LogLinesFunction', Payload: '{}' }));
    expect(none.LogResult).to.equal(undefined);
  });

  it('throttles every invocation of a function with reserved concurrency 0, as Lambda does', async () => {
    const sync = await invoke('BlockedFunction', '{}');
    expect(sync.status).to.equal(429);
    expect(sync.headers.get('x-amzn-errortype')).to.equal('TooManyRequestsException');
    expect(await sync.json()).to.include({ Type: 'User', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
    const failures = local.asyncFailures.length;
    expect((await invoke('BlockedFunction', '{"n":1}', { 'X-Amz-Invocation-Type': 'Event' })).status).to.equal(202);
    while (local.asyncFailures.length === failures) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(local.asyncFailures.at(-1)).to.nested.include({
      function: 'BlockedFunction',
      'record.requestPayload.n': 1,
      'record.responsePayload.errorType': 'TooManyRequestsException',
    });
    expect(local.invokes.filter((outcome) => outcome.function === 'BlockedFunction')).to.deep.equal([]);
  });

  it('answers GetFunction and ListFunctions for the template’s functions', async () => {
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'DepthFunction' }));
    expect(got.Configuration).to.include({ FunctionName: 'DepthFunction', Handler: 'app.depth', Timeout: 30, Version: '$LATEST', State: 'Active' });
    expect(got.Configuration?.FunctionArn).to.equal(`arn:aws:lambda:us-east-1:${local.gateway.iam.accountId}:function:DepthFunction`);
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await lambda.send(new ListFunctionsCommand({ Marker: marker, MaxItems: 3 }));
      names.push(...(page.Functions ?? []).map((fn) => fn.FunctionName!));
      marker = page.NextMarker;
    } while (marker);
    expect(names).to.include.members(['ConnectFunction', 'DepthFunction', 'WaitFunction']);
    expect(names.length).to.equal(new Set(names).size);
    const missing = await lambda.send(new GetFunctionCommand({ FunctionName: 'NoSuchFunction' })).catch((error: Error) => error);
    expect((missing as Error).name).to.equal('ResourceNotFoundException');
  });
});

describe('the Lambda Invoke API under a flood of asynchronous events', function () {
  this.timeout(60_000);
  let local: LocalGateway;
  let copy: ReturnType<typeof templateCopy>;
  before(async () => {
    copy = templateCopy((template) => addRoute(template, 'wait', 'app.wait', { codeUri: HOSTILE_DIR, timeout: 30 }));
    // Room for three events of 100 KB at once.
    local = await startLocalGateway({ template: copy.path, watch: false, iam: 'off', maxInvokePayloadBytes: 310 * 1024 });
  });
  after(async () => {
    await local?.close();
    copy?.remove();
  });

  it('refuses what it cannot hold with 429 TooManyRequestsException, and runs every event it answered 202', async () => {
    const payload = JSON.stringify({ ms: 200, pad: 'p'.repeat(100 * 1024) });
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        fetch(`http://127.0.0.1:${local.gateway.port}/2015-03-31/functions/WaitFunction/invocations`, {
          method: 'POST',
          body: payload,
          headers: { 'X-Amz-Invocation-Type': 'Event' },
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    const accepted = statuses.filter((status) => status === 202).length;
    expect(accepted).to.be.within(1, 11);
    expect(statuses.filter((status) => status !== 202).every((status) => status === 429)).to.equal(true);
    const throttled = answers.find((answer) => answer.status === 429)!;
    expect(throttled.headers.get('x-amzn-errortype')).to.equal('TooManyRequestsException');
    expect(await throttled.json()).to.include({ Type: 'User', Reason: 'ConcurrentInvocationLimitExceeded' });
    // Stopping waits for what was accepted: every 202 ran.
    await local.close();
    expect(local.invokes.filter((invoke) => invoke.function === 'WaitFunction' && invoke.ok)).to.have.length(accepted);
    expect(local.asyncFailures).to.deep.equal([]);
  });
});
