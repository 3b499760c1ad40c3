/** The $connect authorizer through the local gateway, over real sockets. */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { connect, eventually, refusedStatus } from 'websocket-test-clients';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

const TOKEN = 'a-long-local-test-token-7f3c';

describe('$connect authorizer (template with AuthToken set)', function () {
  this.timeout(30_000);
  let local: LocalGateway;
  before(async () => {
    local = await startLocalGateway({ parameters: { AuthToken: TOKEN } });
  });
  after(async () => {
    await local.close();
  });
  const withAuth = (token: string) => `${local.gateway.url}?Auth=${encodeURIComponent(token)}`;

  it('refuses a connection without a token with 401, before the authorizer runs', async () => {
    expect(await refusedStatus(local.gateway.url)).to.equal(401);
    expect(await refusedStatus(withAuth(''))).to.equal(401);
    const refusals = local.invocations.filter((outcome) => outcome.kind === 'authorizer' && outcome.status === 401 && !outcome.invoked);
    expect(refusals).to.have.length(2);
    expect(local.functionLogs.some((entry) => entry.function === 'AuthorizerFunction')).to.equal(false);
  });

  it('refuses a wrong token with 401, and a token one character off', async () => {
    expect(await refusedStatus(withAuth('wrong'))).to.equal(401);
    expect(await refusedStatus(withAuth(`${TOKEN.slice(0, -1)}d`))).to.equal(401);
    expect(local.gateway.registry.size).to.equal(0);
  });

  it('lets the right token in: it can broadcast, and its principal is stored with it', async () => {
    const [a, b] = [await connect(withAuth(TOKEN)), await connect(withAuth(TOKEN))];
    try {
      a.socket.send('{"action":"broadcast","data":"only for members"}');
      expect(await b.next()).to.equal('only for members');
      const { Item } = await local.dynamo.send(new GetItemCommand({ TableName: local.tableName, Key: { connectionId: { S: connectionIdOf(local, a) } } }));
      expect(Item?.principalId?.S).to.match(/^token-[0-9a-f]{8}$/);
      const authorizer = local.gateway.registry.get(connectionIdOf(local, a))?.authorizer;
      expect(authorizer).to.include({ authMethod: 'shared-token', principalId: Item?.principalId?.S });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('never prints the token in the gateway or function logs', async () => {
    // Its own traffic, so it has something to check when run alone: a refusal and an admission.
    expect(await refusedStatus(withAuth(`${TOKEN}x`))).to.equal(401);
    await (await connect(withAuth(TOKEN))).close();
    const authorizerRuns = local.invocations.filter((outcome) => outcome.kind === 'authorizer' && outcome.invoked);
    expect(authorizerRuns.map((outcome) => outcome.status)).to.include.members([401, 200]);
    // The authorizer function logged the refusal, and the gateway printed a line per invocation.
    expect(local.functionLogs.some((entry) => entry.function === 'AuthorizerFunction' && entry.record?.message === 'connection refused')).to.equal(true);
    expect(local.printed.length).to.be.at.least(local.invocations.length);
    expect(local.printed.join('\n')).to.not.include(TOKEN);
  });

  // A repeated Auth parameter: the identity-source check and the function read the same value
  // (the last, as queryStringParameters carries it; AWS does not document it: README).
  // `invoked`: whether the authorizer function ran (false: the identity-source check refused first).
  const REPEATED_AUTH: { query: string; expect: 'connects' | number; invoked?: boolean }[] = [
    { query: `Auth=wrong&Auth=${TOKEN}`, expect: 'connects' },
    { query: `Auth=&Auth=${TOKEN}`, expect: 'connects' },
    { query: `Auth=${TOKEN}&Auth=wrong`, expect: 401, invoked: true },
    { query: `Auth=${TOKEN}&Auth=`, expect: 401, invoked: false },
    { query: `Auth=${TOKEN}&auth=x`, expect: 'connects' }, // names are case-sensitive
  ];
  const nothingOpen = async () => (await local.storedIds()).length === 0 && local.gateway.registry.size === 0;
  for (const testCase of REPEATED_AUTH) {
    it(`a repeated Auth: ?${testCase.query.replaceAll(TOKEN, 'T')} → ${testCase.expect}`, async () => {
      await eventually(nothingOpen);
      const url = `${local.gateway.url}?${testCase.query}`;
      if (testCase.expect === 'connects') {
        const client = await connect(url);
        try {
          expect(await local.storedIds()).to.deep.equal([connectionIdOf(local, client)]);
        } finally {
          await client.close();
        }
      } else {
        const before = local.invocations.length;
        expect(await refusedStatus(url)).to.equal(testCase.expect);
        const verdicts = local.invocations.slice(before).filter((outcome) => outcome.kind === 'authorizer');
        expect(verdicts.map(({ status, invoked }) => ({ status, invoked }))).to.deep.equal([{ status: testCase.expect, invoked: testCase.invoked }]);
      }
      await eventually(nothingOpen);
    });
  }
});

describe('$connect authorizer answers', function () {
  this.timeout(30_000);

  it('refuses to start with settings CloudFormation would refuse to deploy', async () => {
    for (const parameters of [{ AuthMode: 'token' }, { AuthMode: 'jwt' }, { AuthMode: 'open' }]) {
      const error = await startLocalGateway({ parameters }).then(
        async (local) => {
          await local.close();
          throw new Error(`started with ${JSON.stringify(parameters)}`);
        },
        (failure: { code?: string }) => failure,
      );
      expect(error.code, JSON.stringify(parameters)).to.equal('parameter_invalid');
    }
  });

  it('with no AuthToken the API stays open', async () => {
    const open = await startLocalGateway();
    try {
      const client = await connect(open.gateway.url);
      await client.close();
    } finally {
      await open.close();
    }
  });
});
