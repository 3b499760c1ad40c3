import { expect } from 'chai';
import { RouteError } from '../../../functions/shared/errors.js';
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
