/** The JWT authorizer (AuthMode jwt) against the gateway's local OIDC issuer, over real sockets. */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { UnsecuredJWT } from 'jose';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ISSUER_PATHS, type LocalIssuer, type MintOptions } from 'sam-local-websocket';
import { connect, refusedStatus } from 'websocket-test-clients';
import { COMMAND } from '../helpers/command.js';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

const run = promisify(execFile);
const withAuth = (local: LocalGateway, token: string) => `${local.gateway.url}?Auth=${encodeURIComponent(token)}`;
const jwksFetches = (local: LocalGateway) => local.issuerRequests.filter((request) => request.path === ISSUER_PATHS.jwks).length;

/** A token with `alg: none` and the issuer's own claims: no signature at all. */
function unsigned(issuer: LocalIssuer, sub: string): string {
  return new UnsecuredJWT({ token_use: 'access' })
    .setIssuer(issuer.url)
    .setAudience(issuer.audience)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .encode();
}

describe('$connect JWT authorizer (AuthMode jwt, local issuer)', function () {
  this.timeout(60_000);
  let local: LocalGateway;
  let issuer: LocalIssuer;
  before(async () => {
    // One container: the JWKS is cached per container, as on Lambda, so one fetch is the whole story.
    local = await startLocalGateway({ localIssuer: true, containersPerFunction: 1 });
    issuer = local.gateway.issuer!;
  });
  after(async () => {
    await local?.close();
  });

  it('lets a valid access token in: sub is the principal, stored with the connection and passed to the routes', async () => {
    const client = await connect(withAuth(local, await issuer.mint({ sub: 'alice', username: 'alice@example.com', scope: 'chat/connect' })));
    try {
      const connectionId = connectionIdOf(local, client);
      const { Item } = await local.dynamo.send(new GetItemCommand({ TableName: local.tableName, Key: { connectionId: { S: connectionId } } }));
      expect(Item?.sub?.S).to.equal('alice');
      expect(Item?.principalId?.S).to.equal('alice');
      expect(local.gateway.registry.get(connectionId)?.authorizer).to.include({
        principalId: 'alice',
        sub: 'alice',
        username: 'alice@example.com',
        scope: 'chat/connect',
        authMethod: 'jwt',
      });
      client.socket.send('{"action":"broadcast","data":"hello"}');
      expect(await client.next()).to.equal('hello'); // the seed's exact data: the sender is not named by default
    } finally {
      await client.close();
    }
  });

  const refused: [string, (issuer: LocalIssuer) => Promise<string> | string][] = [
    ['an expired token', (i) => i.mint({ sub: 'mallory', expiresInSeconds: -60 })],
    ['a token whose nbf is in the future', (i) => i.mint({ sub: 'mallory', notBeforeInSeconds: 600 })],
    ['a token from another issuer', (i) => i.mint({ sub: 'mallory', issuer: 'https://issuer.example.com' })],
    ['a token for another audience', (i) => i.mint({ sub: 'mallory', audience: 'another-client' })],
    ['a token signed by another key (same kid)', (i) => i.mint({ sub: 'mallory', signWith: 'foreign' })],
    ['a token with alg none', (i) => unsigned(i, 'mallory')],
    ['a truncated token', async (i) => (await i.mint({ sub: 'mallory' })).slice(0, -12)],
    [
      'a token whose signature was swapped',
      async (i) => {
        const [header, , signature] = (await i.mint({ sub: 'alice' })).split('.');
        const [, payload] = (await i.mint({ sub: 'mallory' })).split('.');
        return `${header}.${payload}.${signature}`;
      },
    ],
    ['garbage', () => 'not-a-jwt'],
    ['three dots of base64 garbage', () => 'eyJhbGciOi.e30.AAAA'],
    ['an id token where an access token is required', (i) => i.mint({ sub: 'mallory', tokenUse: 'id' } satisfies MintOptions)],
  ];
  for (const [what, token] of refused) {
    it(`refuses ${what} with 401, and stores nothing`, async () => {
      const before = await local.storedIds();
      expect(await refusedStatus(withAuth(local, await token(issuer)))).to.equal(401);
      const run = local.invocations.filter((outcome) => outcome.kind === 'authorizer').at(-1)!;
      expect(run).to.include({ invoked: true, status: 401 });
      // $connect never ran for it, and no record appeared (earlier tests' records may still be leaving).
      expect(local.invocations.filter((outcome) => outcome.kind === 'route' && outcome.connectionId === run.connectionId)).to.deep.equal([]);
      expect(await local.storedIds()).to.satisfy((after: string[]) => after.every((id) => before.includes(id)));
      expect(local.gateway.registry.get(run.connectionId!)).to.equal(undefined);
    });
  }

  it('refuses a missing token with 401 before the authorizer runs', async () => {
    expect(await refusedStatus(local.gateway.url)).to.equal(401);
    expect(local.invocations.filter((outcome) => outcome.kind === 'authorizer').at(-1)).to.include({ invoked: false, status: 401 });
  });

  it('fetches the JWKS once for many connections', async () => {
    const tokens = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'].map((sub) => issuer.mint({ sub })));
    const clients = await Promise.all(tokens.map((token) => connect(withAuth(local, token))));
    try {
      expect(clients).to.have.length(8);
      expect(jwksFetches(local)).to.equal(1);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  it('npm run token mints a token the gateway admits, asking the running gateway over loopback', async () => {
    const { stdout } = await run(process.execPath, [COMMAND, 'token', '--sub', 'dave', '--expires', '5m', '--port', String(local.gateway.port)]);
    const token = stdout.trim();
    const client = await connect(withAuth(local, token));
    try {
      expect(local.gateway.registry.get(connectionIdOf(local, client))?.authorizer).to.include({ sub: 'dave' });
    } finally {
      await client.close();
    }
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).to.equal(300);
  });

  it('mints only for this machine’s command line: a web page (Origin) is refused, a bad request told why', async () => {
    const mint = `${issuer.url}${ISSUER_PATHS.mint}`;
    const fromPage = await fetch(mint, { method: 'POST', headers: { origin: 'http://evil.example' }, body: '{"sub":"eve"}' });
    expect(fromPage.status).to.equal(403);
    const noSub = await fetch(mint, { method: 'POST', body: '{"expiresInSeconds":60}' });
    expect([noSub.status, ((await noSub.json()) as { message: string }).message]).to.deep.equal([400, 'sub is required']);
    const tooLong = await fetch(mint, { method: 'POST', body: '{"sub":"eve","expiresInSeconds":999999999}' });
    expect(tooLong.status).to.equal(400);
    const notJson = await fetch(mint, { method: 'POST', body: 'sub=eve' });
    expect(notJson.status).to.equal(400);
    const discovery = (await (await fetch(`${issuer.url}${ISSUER_PATHS.discovery}`)).json()) as Record<string, string>;
    expect(discovery).to.include({ issuer: issuer.url, jwks_uri: `${issuer.url}${ISSUER_PATHS.jwks}` });
  });

  it('never prints a token in the gateway or function logs', async () => {
    const token = await issuer.mint({ sub: 'carol' });
    await (await connect(withAuth(local, token))).close();
    expect(await refusedStatus(withAuth(local, `${token}x`))).to.equal(401);
    expect(local.printed.join('\n')).to.not.include(token.split('.')[2]);
  });
});

describe('$connect JWT authorizer when the issuer cannot be reached', function () {
  this.timeout(60_000);

  it('refuses with 500 and stores nothing; once the issuer is back, connections go through', async () => {
    const local = await startLocalGateway({ localIssuer: true, containersPerFunction: 1 });
    try {
      const issuer = local.gateway.issuer!;
      const token = await issuer.mint({ sub: 'alice' });
      issuer.paused = true;
      expect(await refusedStatus(withAuth(local, token))).to.equal(500);
      expect(local.issuerRequests.filter((request) => request.path === ISSUER_PATHS.jwks).map((request) => request.status)).to.include(0);
      expect(await local.storedIds()).to.deep.equal([]);
      expect(local.invocations.some((outcome) => outcome.route === '$connect' && outcome.kind !== 'authorizer')).to.equal(false);
      issuer.paused = false;
      const client = await connect(withAuth(local, token));
      expect(await local.storedIds()).to.deep.equal([connectionIdOf(local, client)]);
      await client.close();
    } finally {
      await local.close();
    }
  });
});

describe('broadcast with BroadcastIncludesSender=true (AuthMode jwt)', function () {
  this.timeout(60_000);

  it('names the sender by sub beside the data', async () => {
    const local = await startLocalGateway({ localIssuer: true, parameters: { BroadcastIncludesSender: 'true' } });
    try {
      const issuer = local.gateway.issuer!;
      const [alice, bob] = [
        await connect(withAuth(local, await issuer.mint({ sub: 'alice' }))),
        await connect(withAuth(local, await issuer.mint({ sub: 'bob' }))),
      ];
      alice.socket.send('{"action":"broadcast","data":{"text":"hi"}}');
      expect(JSON.parse(await bob.next())).to.deep.equal({ from: 'alice', data: { text: 'hi' } });
      expect(JSON.parse(await alice.next())).to.deep.equal({ from: 'alice', data: { text: 'hi' } });
      await alice.close();
      await bob.close();
    } finally {
      await local.close();
    }
  });
});
