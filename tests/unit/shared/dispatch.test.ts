import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient, ServiceException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionStore } from '../../../functions/shared/connections.js';
import { dispatchJobs, DispatchError, jobsFor, lazyWorkerStarter, workersNeeded } from '../../../functions/shared/dispatch.js';
import { workerStarter } from '../../../functions/shared/lambda-invoke.js';
import { captureLogs } from '../../helpers/logs.js';

describe('dispatch (the broadcast dispatcher)', () => {
  let dynamo: AwsClientStub<DynamoDBClient>;
  let lambda: AwsClientStub<LambdaClient>;
  let logs: ReturnType<typeof captureLogs>;
  before(() => {
    dynamo = mockClient(DynamoDBClient);
    lambda = mockClient(LambdaClient);
  });
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => {
    dynamo.reset();
    lambda.reset();
    logs.restore();
  });
  after(() => {
    dynamo.restore();
    lambda.restore();
  });
  const store = new ConnectionStore('connections-test');
  const settings = { threshold: 500, maxWorkers: 4 };

  /** A table of `size` items, answered as DynamoDB pages a COUNT Scan with its Limit. */
  let itemsRead = 0;
  const table = (size: number, pageSize = 300) =>
    dynamo.on(ScanCommand).callsFake((input) => {
      const start = Number(input.ExclusiveStartKey?.connectionId.S ?? 0);
      const count = Math.min(input.Limit ?? Infinity, pageSize, size - start);
      const end = start + count;
      itemsRead += count;
      return { Count: count, LastEvaluatedKey: end < size ? { connectionId: { S: String(end) } } : undefined };
    });

  const cases: [number, number][] = [
    [0, 0],
    [499, 0],
    [500, 1],
    [501, 2],
    [2001, 4],
    [1_000_000, 4],
  ];
  for (const [size, workers] of cases) {
    it(`asks for ${workers} worker(s) with ${size} connections (threshold 500, at most 4)`, async () => {
      table(size);
      expect(await workersNeeded(store, settings)).to.equal(workers);
    });
  }

  it('counts keys only, and never reads past threshold × workers items', async () => {
    itemsRead = 0;
    table(1_000_000);
    await workersNeeded(store, settings);
    const calls = dynamo.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(calls.every((input) => input.Select === 'COUNT' && input.Limit! > 0)).to.equal(true);
    expect(itemsRead).to.equal(2000);
  });

  it('gives each job one segment of K, one broadcast id, the message, sender and endpoint', () => {
    const jobs = jobsFor(3, { message: 'hi', senderId: 's=', endpoint: 'http://x/dev' }, 'b-1');
    expect(jobs).to.deep.equal(
      [0, 1, 2].map((segment) => ({ message: 'hi', senderId: 's=', endpoint: 'http://x/dev', broadcastId: 'b-1', segment, totalSegments: 3 })),
    );
    const [first, second] = jobsFor(2, { message: 'x', senderId: 's', endpoint: 'e' });
    expect(first.broadcastId).to.be.a('string').and.equal(second.broadcastId);
  });

  it('invokes one worker per job asynchronously (InvocationType Event) with the job as payload', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const jobs = jobsFor(4, { message: 'hi', senderId: 's=', endpoint: 'http://x/dev' }, 'b-2');
    await dispatchJobs('worker-fn', jobs, lazyWorkerStarter());
    const inputs = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => [input.FunctionName, input.InvocationType])).to.deep.equal(Array(4).fill(['worker-fn', 'Event']));
    expect(inputs.map((input) => JSON.parse(String(input.Payload)))).to.deep.equal(jobs);
    expect(logs.lines().find((line) => line.message === 'broadcast dispatched')).to.include({ broadcastId: 'b-2', workers: 4 });
  });

  it('says how many workers started when some could not be, and how many of those may have started all the same', async () => {
    const jobs = jobsFor(3, { message: 'm', senderId: 's', endpoint: 'e' }, 'b-3');
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 202 })
      .on(InvokeCommand, { Payload: JSON.stringify(jobs[1]) })
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }))
      .on(InvokeCommand, { Payload: JSON.stringify(jobs[2]) })
      .rejects(new ServiceException({ message: 'internal', $metadata: { httpStatusCode: 500 } }));
    const error = await dispatchJobs('worker-fn', jobs, lazyWorkerStarter()).catch((caught) => caught);
    expect(error).to.be.instanceOf(DispatchError);
    expect(error.started).to.equal(1);
    // A 429 was refused (never queued); a 500 may have been queued before it failed.
    expect(error.uncertain).to.equal(1);
    expect(error.cause).to.be.instanceOf(TooManyRequestsException);
  });

  it('makes the Lambda client on the first dispatch only, and the same one for every later dispatch', async () => {
    const starter = lazyWorkerStarter();
    const [first, second] = await Promise.all([starter(), starter()]);
    expect(first).to.be.instanceOf(LambdaClient);
    expect(second).to.equal(first);
    expect(await starter()).to.equal(first);
  });

  it('starts no worker and says so (nothing started, nothing uncertain) when the Lambda client cannot be made', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const cause = new Error('chunk missing');
    const error = await dispatchJobs('worker-fn', jobsFor(2, { message: 'm', senderId: 's', endpoint: 'e' }, 'b-7'), () => Promise.reject(cause)).catch(
      (caught) => caught,
    );
    expect(error).to.be.instanceOf(DispatchError);
    expect(error).to.include({ started: 0, uncertain: 0, cause });
    expect(lambda.commandCalls(InvokeCommand)).to.have.length(0);
  });

  describe('the client that starts workers, against a real Invoke endpoint on 127.0.0.1', () => {
    /** An Invoke endpoint that reads each request whole and answers it with `answer` (by its order). */
    const invokeEndpoint = async (answer: (attempt: number, reset: () => void) => { status: number; type?: string } | undefined) => {
      const bodies: string[] = [];
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          bodies.push(Buffer.concat(chunks).toString());
          const reply = answer(bodies.length, () => req.socket.resetAndDestroy());
          if (!reply) return;
          res.writeHead(reply.status, reply.type ? { 'x-amzn-errortype': reply.type, 'content-type': 'application/json' } : {});
          res.end(reply.type ? '{"message":"no"}' : '');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const client = workerStarter(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      return {
        client,
        starter: async () => client,
        bodies,
        close: () => {
          client.destroy();
          server.closeAllConnections();
          return new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    };
    // The real client: the outer afterEach's reset() stubs it again, so unstub before each.
    beforeEach(() => lambda.restore());
    after(() => (lambda = mockClient(LambdaClient)));

    it('never starts a worker twice: a start whose answer was lost is not retried', async () => {
      const endpoint = await invokeEndpoint((_attempt, reset) => {
        reset();
        return undefined;
      });
      try {
        const error = await dispatchJobs('worker-fn', jobsFor(1, { message: 'm', senderId: 's', endpoint: 'e' }, 'b-4'), endpoint.starter).catch(
          (caught) => caught,
        );
        expect(error).to.be.instanceOf(DispatchError);
        expect(error).to.include({ started: 0, uncertain: 1 });
        expect(endpoint.bodies).to.have.length(1);
      } finally {
        await endpoint.close();
      }
    });

    it('retries a throttled start (429: not queued), and a 500 not at all', async () => {
      const endpoint = await invokeEndpoint((attempt) =>
        attempt === 1 ? { status: 429, type: 'TooManyRequestsException' } : attempt === 3 ? { status: 500, type: 'ServiceException' } : { status: 202 },
      );
      try {
        await dispatchJobs('worker-fn', jobsFor(1, { message: 'm', senderId: 's', endpoint: 'e' }, 'b-5'), endpoint.starter);
        expect(endpoint.bodies).to.have.length(2);
        const error = await dispatchJobs('worker-fn', jobsFor(1, { message: 'm', senderId: 's', endpoint: 'e' }, 'b-6'), endpoint.starter).catch(
          (caught) => caught,
        );
        expect(error).to.include({ started: 0, uncertain: 1 });
        expect(endpoint.bodies).to.have.length(3);
      } finally {
        await endpoint.close();
      }
    });
  });
});
