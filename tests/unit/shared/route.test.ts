import { expect } from 'chai';
import { RouteError } from '../../../functions/shared/errors.js';
import { logger } from '../../../functions/shared/logger.js';
import { webSocketRoute } from '../../../functions/shared/route.js';
import { messageEvent, sampleEvent } from '../../helpers/events.js';
import { captureLogs } from '../../helpers/logs.js';

describe('webSocketRoute', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());
  const failing = webSocketRoute('test', async () => {
    throw new Error('internal detail: table xyz');
  });

  it('answers an event without requestContext or connectionId with 400 and the reason', async () => {
    const route = webSocketRoute('test', async () => ({ statusCode: 200 }));
    expect(await route({} as never)).to.deep.include({ statusCode: 400 });
    const noId = sampleEvent('broadcast.json');
    delete (noId.requestContext as { connectionId?: string }).connectionId;
    const result = await route(noId);
    expect(result.statusCode).to.equal(400);
    expect(result.body).to.include('connectionId');
    expect(await route(null as never)).to.deep.include({ statusCode: 400 });
  });

  it('throws a RouteError on a message route, so API Gateway tells the caller', async () => {
    const error = await failing(messageEvent('broadcast', '{}')).then(
      () => null,
      (caught) => caught,
    );
    expect(error).to.be.instanceOf(RouteError);
    expect(error.message).to.not.include('table xyz');
    expect(logs.lines()[0]).to.include({ level: 'ERROR', routeKey: 'test', connectionId: 'sender=' });
  });

  it('logs an error with its name, message, stack and cause', async () => {
    const route = webSocketRoute('test', async () => {
      throw new Error('could not store', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    });
    await route(sampleEvent('connect.json'));
    const { error } = logs.lines()[0];
    expect(error).to.include({ name: 'Error', message: 'could not store' });
    expect(error.stack).to.be.a('string').and.include('could not store');
    expect(error.cause).to.include({ name: 'Error', message: 'socket hang up', code: 'ECONNRESET' });
  });

  it('puts the request id, the cold-start flag and this invocation’s connection id on every line', async () => {
    const route = webSocketRoute('test', async () => {
      logger.info('first');
      logger.warn('second');
      return { statusCode: 200 };
    });
    const lambdaContext = (requestId: string) => ({ awsRequestId: requestId, functionName: 'TestFunction', getRemainingTimeInMillis: () => 1000 });
    await route(messageEvent('broadcast', '{}', 'one='), lambdaContext('req-1'));
    await route(messageEvent('broadcast', '{}', 'two='), lambdaContext('req-2'));
    const lines = logs.lines();
    expect(lines.map((line) => [line.message, line.function_request_id, line.connectionId])).to.deep.equal([
      ['first', 'req-1', 'one='],
      ['second', 'req-1', 'one='],
      ['first', 'req-2', 'two='],
      ['second', 'req-2', 'two='],
    ]);
    for (const line of lines) expect(line).to.include({ routeKey: 'test', function_name: 'TestFunction', service: 'websocket-test' });
    for (const line of lines) expect(line.cold_start).to.be.a('boolean');
    expect(lines[2].cold_start).to.equal(false);
  });

  it('does not carry a connection id into an invocation whose event has none', async () => {
    const route = webSocketRoute('test', async () => ({ statusCode: 200 }));
    await route(messageEvent('broadcast', '{}', 'one='));
    await route({} as never);
    const [badEvent] = logs.lines();
    expect(badEvent).to.include({ message: 'bad event' });
    expect(badEvent).to.not.have.property('connectionId');
  });

  it('answers a bare 500 on $connect and $disconnect', async () => {
    for (const file of ['connect.json', 'disconnect.json']) {
      const result = await failing(sampleEvent(file));
      expect(result).to.deep.equal({ statusCode: 500, body: 'Internal server error' });
    }
  });

  it('hands the Lambda context to the route', async () => {
    let remaining = 0;
    const route = webSocketRoute('test', async (_connection, _event, context) => {
      remaining = context!.getRemainingTimeInMillis();
      return { statusCode: 200 };
    });
    await route(messageEvent('broadcast', '{}'), { getRemainingTimeInMillis: () => 1234 });
    expect(remaining).to.equal(1234);
  });
});
