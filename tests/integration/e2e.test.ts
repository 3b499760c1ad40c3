/**
 * End to end over real sockets. With WS_URL set (e.g. wss://abc.execute-api.eu-north-1.amazonaws.com/dev)
 * these run against that deployed stack (add WS_AUTH_TOKEN when it has an authorizer);
 * without it, against the local gateway they start.
 */
import { expect } from 'chai';
import { NOTICE_CODES } from '../../functions/shared/constants.js';
import { CLOSE_CODES } from 'sam-local-websocket';
import { connect, refusedStatus, type TestClient } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

const deployedUrl = process.env.WS_URL;

describe(`end to end against ${deployedUrl ?? 'the local gateway'}`, function () {
  this.timeout(30_000);
  let local: LocalGateway | undefined;
  let url: string;
  const clients: TestClient[] = [];
  const open = async () => {
    const token = process.env.WS_AUTH_TOKEN;
    const client = await connect(token ? `${url}?Auth=${encodeURIComponent(token)}` : url);
    clients.push(client);
    return client;
  };

  before(async () => {
    if (deployedUrl) url = deployedUrl;
    else {
      local = await startLocalGateway();
      url = local.gateway.url;
    }
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  after(async () => {
    await local?.close();
  });

  it('delivers a broadcast to all three clients, the sender included, exactly as sent', async () => {
    const [a, b, c] = [await open(), await open(), await open()];
    a.socket.send(JSON.stringify({ action: 'broadcast', data: 'Tervehdys kaikille!' }));
    expect(await Promise.all([a.next(), b.next(), c.next()])).to.deep.equal(['Tervehdys kaikille!', 'Tervehdys kaikille!', 'Tervehdys kaikille!']);
  });

  it('sends object data as JSON', async () => {
    const [a, b] = [await open(), await open()];
    a.socket.send(JSON.stringify({ action: 'broadcast', data: { text: 'Hei', n: 1 } }));
    expect(JSON.parse(await b.next())).to.deep.equal({ text: 'Hei', n: 1 });
    expect(JSON.parse(await a.next())).to.deep.equal({ text: 'Hei', n: 1 });
  });

  it('answers an unknown action with $default’s notice', async () => {
    const a = await open();
    a.socket.send(JSON.stringify({ action: 'sendmessage', data: 'x' }));
    expect(JSON.parse(await a.next())).to.include({ error: NOTICE_CODES.unknownAction });
  });

  it('answers a message that is not JSON with $default’s notice', async () => {
    const a = await open();
    a.socket.send('hello there');
    const notice = JSON.parse(await a.next());
    expect(notice.error).to.equal(NOTICE_CODES.notJson);
    expect(notice.actions).to.deep.equal(['broadcast']);
  });

  it('tells only the sender about a broadcast without data', async () => {
    const [a, b] = [await open(), await open()];
    a.socket.send(JSON.stringify({ action: 'broadcast' }));
    expect(JSON.parse(await a.next())).to.include({ error: NOTICE_CODES.missingData });
    // b gets the next real broadcast first: nothing was sent to it for the bad one.
    a.socket.send(JSON.stringify({ action: 'broadcast', data: 'after' }));
    expect(await b.next()).to.equal('after');
  });

  it('closes the connection with 1009 on a 129 KB message', async () => {
    const a = await open();
    a.socket.send(JSON.stringify({ action: 'broadcast', data: 'x'.repeat(129 * 1024) }));
    expect((await a.closed).code).to.equal(CLOSE_CODES.messageTooBig);
  });

  it('closes the connection with 1003 on a binary frame', async () => {
    const a = await open();
    a.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await a.closed).code).to.equal(CLOSE_CODES.unsupportedData);
  });

  it('refuses a path that is not the stage', async () => {
    const wrong = new URL(url);
    wrong.pathname = '/no-such-stage';
    const status = await refusedStatus(wrong.href);
    // The local gateway answers 403, as API Gateway refuses unknown paths; a deployed stack
    // is only held to refusing it with a client error.
    if (deployedUrl) expect(status).to.be.within(400, 499);
    else expect(status).to.equal(403);
  });
});
