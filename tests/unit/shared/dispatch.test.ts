import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { ConnectionStore } from '../../../functions/shared/connections.js';
import { dispatchJobs, DispatchError, jobsFor, workersNeeded } from '../../../functions/shared/dispatch.js';
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
    expect(jobs).to.deep.equal([0, 1, 2].map((segment) => ({ message: 'hi', senderId: 's=', endpoint: 'http://x/dev', broadcastId: 'b-1', segment, totalSegments: 3 })));
    const [first, second] = jobsFor(2, { message: 'x', senderId: 's', endpoint: 'e' });
    expect(first.broadcastId).to.be.a('string').and.equal(second.broadcastId);
  });

  it('invokes one worker per job asynchronously (InvocationType Event) with the job as payload', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const jobs = jobsFor(4, { message: 'hi', senderId: 's=', endpoint: 'http://x/dev' }, 'b-2');
    await dispatchJobs('worker-fn', jobs);
    const inputs = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => [input.FunctionName, input.InvocationType])).to.deep.equal(Array(4).fill(['worker-fn', 'Event']));
    expect(inputs.map((input) => JSON.parse(String(input.Payload)))).to.deep.equal(jobs);
    expect(logs.lines().find((line) => line.message === 'broadcast dispatched')).to.include({ broadcastId: 'b-2', workers: 4 });
  });

  it('says how many workers started when some could not be', async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 202 })
      .on(InvokeCommand, { Payload: JSON.stringify(jobsFor(2, { message: 'm', senderId: 's', endpoint: 'e' }, 'b-3')[1]) })
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const error = await dispatchJobs('worker-fn', jobsFor(2, { message: 'm', senderId: 's', endpoint: 'e' }, 'b-3')).catch((caught) => caught);
    expect(error).to.be.instanceOf(DispatchError);
    expect(error.started).to.equal(1);
    expect(error.cause).to.be.instanceOf(TooManyRequestsException);
  });
});
