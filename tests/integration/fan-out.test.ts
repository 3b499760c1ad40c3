/** Broadcasts past one invocation: the dispatcher, its fan-out workers and the local Lambda Invoke API. */
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { expect } from 'chai';
import { LOCAL_CREDENTIALS } from 'sam-local-websocket';
import { connect, eventually } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';
import { templateCopy } from '../helpers/template-copy.js';

const lambdaClient = (local: LocalGateway) =>
  new LambdaClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: `http://127.0.0.1:${local.gateway.port}` });

describe('fan-out workers', function () {
  this.timeout(240_000);

  it('are not there by default (EnableFanOut false): no worker to invoke, and the broadcast posts itself', async () => {
    const local = await startLocalGateway({ parameters: { FanOutThreshold: '1' } });
    const lambda = lambdaClient(local);
    const sender = await connect(local.gateway.url);
    try {
      const error = await lambda.send(new InvokeCommand({ FunctionName: 'FanOutWorkerFunction' })).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ResourceNotFoundException);
      expect(local.gateway.functions.get('BroadcastFunction')!.environment).to.not.have.any.keys(
        'FAN_OUT_WORKER_FUNCTION',
        'FAN_OUT_THRESHOLD',
        'FAN_OUT_WORKERS',
      );
      // One connection and a threshold of 1 would dispatch with workers: without them it posts.
      sender.socket.send(JSON.stringify({ action: 'broadcast', data: 'posted by broadcast' }));
      expect(await sender.next(30_000)).to.equal('posted by broadcast');
      expect(local.invokes).to.deep.equal([]);
    } finally {
      lambda.destroy();
      await sender.close();
      await local.close();
    }
  });

  describe('the Lambda Invoke API', () => {
    let local: LocalGateway;
    let lambda: LambdaClient;
    before(async () => {
      local = await startLocalGateway({ parameters: { EnableFanOut: 'true' } });
      lambda = lambdaClient(local);
    });
    after(async () => {
      lambda.destroy();
      await local.close();
    });

    it('runs any function of the template synchronously, reporting a thrown error as Lambda does', async () => {
      const answer = await lambda.send(new InvokeCommand({ FunctionName: 'FanOutWorkerFunction', Payload: JSON.stringify({ segment: 0 }) }));
      expect(answer.StatusCode).to.equal(200);
      expect(answer.FunctionError).to.equal('Unhandled');
      expect(JSON.parse(Buffer.from(answer.Payload!).toString())).to.include({ errorType: 'BadJobError' });
      expect(local.invokes.at(-1)).to.include({ function: 'FanOutWorkerFunction', invocationType: 'RequestResponse', ok: false });
    });

    it('answers 404 ResourceNotFoundException for a function the template does not have', async () => {
      const error = await lambda.send(new InvokeCommand({ FunctionName: 'NoSuchFunction' })).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ResourceNotFoundException);
      expect((error as ResourceNotFoundException).$metadata.httpStatusCode).to.equal(404);
    });

    it('accepts an Event invocation with 202 and records it in the on-failure destination after MaximumRetryAttempts (0)', async () => {
      // The template's EventInvokeConfig, as the Invoke API applies it.
      expect(local.gateway.functions.get('FanOutWorkerFunction')!.spec.eventInvokeConfig).to.include({
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 300,
      });
      const answer = await lambda.send(new InvokeCommand({ FunctionName: 'FanOutWorkerFunction', InvocationType: 'Event', Payload: '{"nothing":1}' }));
      expect(answer.StatusCode).to.equal(202);
      await eventually(() => local.asyncFailures.length === 1, 30_000);
      const [failure] = local.asyncFailures;
      expect(failure.destination).to.equal('arn:aws:sqs:us-east-1:000000000000:FanOutFailureQueue');
      expect(failure.record.requestContext).to.include({ condition: 'RetriesExhausted', approximateInvokeCount: 1 });
      expect(failure.record.requestPayload).to.deep.equal({ nothing: 1 });
      expect(failure.record.responsePayload?.errorType).to.equal('BadJobError');
      // Never retried: one attempt only.
      expect(local.invokes.filter((outcome) => outcome.invocationType === 'Event')).to.have.length(1);
    });
  });

  it('checks the caller’s lambda:InvokeFunction: a dispatcher without it is refused, and its sender told', async () => {
    const copy = templateCopy((template) => {
      const statements = template.Resources.BroadcastFunction.Properties!.Policies[0].Statement as unknown[];
      // The statement is the template's !If [FanOutEnabled, {...}, !Ref AWS::NoValue].
      template.Resources.BroadcastFunction.Properties!.Policies[0].Statement = statements.filter(
        (statement) => !JSON.stringify(statement).includes('lambda:InvokeFunction'),
      );
    });
    // A threshold of 1: every broadcast is dispatched.
    const local = await startLocalGateway({ template: copy.path, parameters: { EnableFanOut: 'true', FanOutThreshold: '1', FanOutWorkers: '2' } });
    const sender = await connect(local.gateway.url);
    try {
      sender.socket.send(JSON.stringify({ action: 'broadcast', data: 'not for workers' }));
      expect(JSON.parse(await sender.next(30_000))).to.include({ error: 'broadcast_failed' });
      // One connection, a threshold of 1: one worker.
      expect(local.refusals.filter((refusal) => refusal.service === 'lambda')).to.have.length(1);
      expect(local.refusals[0]).to.include({
        function: 'BroadcastFunction',
        action: 'lambda:InvokeFunction',
        resource: 'arn:aws:lambda:us-east-1:000000000000:function:FanOutWorkerFunction',
        error: 'AccessDeniedException',
        status: 403,
      });
      expect(local.invokes).to.deep.equal([]);
      expect(sender.pending()).to.deep.equal([]);
    } finally {
      await sender.close();
      await local.close();
      copy.remove();
    }
  });
});
