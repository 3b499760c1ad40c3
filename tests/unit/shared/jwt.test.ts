/** The JWT checks with aws-jwt-verify, against a JWKS served on loopback by the local issuer. */
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import {
  FetchError,
  JwtInvalidSignatureAlgorithmError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidScopeError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwksValidationError,
  CognitoJwtInvalidTokenUseError,
  CognitoJwtInvalidClientIdError,
} from 'aws-jwt-verify/error';
import { UnsecuredJWT } from 'jose';
import {
  classifyFailure,
  cognitoUserPoolId,
  createTokenVerifier,
  identityOf,
  MissingSubjectError,
  NotAnAccessTokenError,
  type JwtSettings,
} from '../../../functions/shared/jwt.js';
import { ISSUER_PATHS, LocalIssuer } from 'sam-local-websocket';

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    (result) => {
      throw new Error(`accepted: ${JSON.stringify(result)}`);
    },
    (error: Error) => error,
  );

describe('JWT verification (aws-jwt-verify)', function () {
  this.timeout(20_000);
  let server: Server;
  let issuer: LocalIssuer;
  let fetches: string[];
  let settings: JwtSettings;
  before(async () => {
    fetches = [];
    server = createServer((request, response) => issuer.handle(request, response, new URL(request.url!, 'http://x').pathname));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    issuer = await LocalIssuer.start(`127.0.0.1:${(server.address() as AddressInfo).port}`, (event) => fetches.push(event.path));
    settings = { issuer: issuer.url, audience: ['other-app', issuer.audience], tokenUse: 'access' };
  });
  after(() => new Promise((done) => server.close(done)));

  it('accepts a valid access token, fetching the JWKS once for many verifications', async () => {
    const verify = createTokenVerifier(settings);
    for (const sub of ['a', 'b', 'c', 'd']) {
      expect(await verify(await issuer.mint({ sub }))).to.include({ sub, iss: issuer.url });
    }
    expect(fetches.filter((path) => path === ISSUER_PATHS.jwks)).to.have.length(1);
  });

  const cases: [string, () => Promise<string> | string, new (...args: any[]) => Error][] = [
    ['expired', () => issuer.mint({ sub: 'x', expiresInSeconds: -1 }), JwtExpiredError],
    ['not yet valid (nbf)', () => issuer.mint({ sub: 'x', notBeforeInSeconds: 300 }), JwtNotBeforeError],
    ['from another issuer', () => issuer.mint({ sub: 'x', issuer: 'https://evil.example.com' }), JwtInvalidIssuerError],
    ['for another audience', () => issuer.mint({ sub: 'x', audience: 'nobody' }), JwtInvalidAudienceError],
    ['signed by another key', () => issuer.mint({ sub: 'x', signWith: 'foreign' }), JwtInvalidSignatureError],
    ['an id token', () => issuer.mint({ sub: 'x', tokenUse: 'id' }), NotAnAccessTokenError],
    ['malformed', () => 'a.b.c', JwtParseError],
    ['with alg none', () => new UnsecuredJWT({ sub: 'x' }).setIssuer(issuer.url).setAudience(issuer.audience).setExpirationTime('1h').encode(), JwtParseError],
    ['with alg none, the issuer’s kid and a made-up signature', () => algNoneWithKid(), JwtInvalidSignatureAlgorithmError],
  ];
  /** A real token's claims and kid under `alg: none`, with a signature that is not one. */
  async function algNoneWithKid(): Promise<string> {
    const [header, payload] = (await issuer.mint({ sub: 'x' })).split('.');
    const decoded = JSON.parse(Buffer.from(header, 'base64url').toString());
    return `${Buffer.from(JSON.stringify({ ...decoded, alg: 'none' })).toString('base64url')}.${payload}.c2lnbmF0dXJl`;
  }

  for (const [what, token, errorClass] of cases) {
    it(`refuses a token ${what} (${errorClass.name}), classified invalid`, async () => {
      const error = await rejection(createTokenVerifier(settings)(await token()));
      expect(error).to.be.instanceOf(errorClass);
      expect(classifyFailure(error)).to.equal('invalid');
    });
  }

  it('JWT_TOKEN_USE any accepts an id token; a required scope must be present', async () => {
    expect(await createTokenVerifier({ ...settings, tokenUse: 'any' })(await issuer.mint({ sub: 'x', tokenUse: 'id' }))).to.include({ sub: 'x' });
    const scoped = createTokenVerifier({ ...settings, requiredScope: 'chat/connect' });
    expect(await scoped(await issuer.mint({ sub: 'x', scope: 'openid chat/connect' }))).to.include({ sub: 'x' });
    expect(await rejection(scoped(await issuer.mint({ sub: 'x', scope: 'openid' })))).to.be.instanceOf(JwtInvalidScopeError);
  });

  it('classifies an unreachable issuer (and a JWKS that is not one) as unreachable', async () => {
    issuer.paused = true;
    try {
      const error = await rejection(createTokenVerifier(settings)(await issuer.mint({ sub: 'x' })));
      expect(error).to.be.instanceOf(FetchError);
      expect(classifyFailure(error)).to.equal('unreachable');
    } finally {
      issuer.paused = false;
    }
    expect(classifyFailure(new JwksValidationError('not a JWKS'))).to.equal('unreachable');
    expect(classifyFailure(new TypeError('bug'))).to.equal('internal');
  });

  it('verifies Cognito tokens with CognitoJwtVerifier: token_use and client_id, no aud needed', async () => {
    const cognito = 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_Abc123';
    const jwks = (await (await fetch(`${issuer.url}${ISSUER_PATHS.jwks}`)).json()) as { keys: never[] };
    const cache = new SimpleJwksCache();
    cache.addJwks(`${cognito}/.well-known/jwks.json`, jwks); // no network: the keys are preloaded
    const verify = createTokenVerifier({ issuer: cognito, audience: [issuer.audience], tokenUse: 'access' }, cache);
    expect(await verify(await issuer.mint({ sub: 'u-1', issuer: cognito, audience: 'ignored-by-cognito-access' }))).to.include({ sub: 'u-1' });
    expect(await rejection(verify(await issuer.mint({ sub: 'u-1', issuer: cognito, tokenUse: 'id' })))).to.be.instanceOf(CognitoJwtInvalidTokenUseError);
    const otherClient = createTokenVerifier({ issuer: cognito, audience: ['another-client'], tokenUse: 'access' }, cache);
    expect(await rejection(otherClient(await issuer.mint({ sub: 'u-1', issuer: cognito })))).to.be.instanceOf(CognitoJwtInvalidClientIdError);
  });

  it('refuses a token without a sub', async () => {
    const error = await rejection(createTokenVerifier({ ...settings, tokenUse: 'any' })(await issuer.mint({ sub: '', tokenUse: 'id' })));
    expect(error).to.be.instanceOf(MissingSubjectError);
    expect(classifyFailure(error)).to.equal('invalid');
  });
});

describe('JWT helpers', () => {
  it('recognises a Cognito user pool issuer, and nothing else', () => {
    expect(cognitoUserPoolId('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz')).to.equal('us-east-1_AbC123xyz');
    expect(cognitoUserPoolId('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz/')).to.equal(undefined);
    expect(cognitoUserPoolId('https://login.example.com/us-east-1_AbC123xyz')).to.equal(undefined);
    expect(cognitoUserPoolId('http://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC')).to.equal(undefined);
  });

  it('takes sub, a username (username, cognito:username, preferred_username or email) and scope', () => {
    expect(identityOf({ sub: 's', username: 'u', scope: 'a b' })).to.deep.equal({ sub: 's', username: 'u', scope: 'a b' });
    expect(identityOf({ sub: 's', 'cognito:username': 'cu', email: 'e@x' })).to.deep.equal({ sub: 's', username: 'cu' });
    expect(identityOf({ sub: 's', email: 'e@x' })).to.deep.equal({ sub: 's', username: 'e@x' });
    expect(identityOf({ sub: 's', username: 7 as never })).to.deep.equal({ sub: 's' });
  });
});
