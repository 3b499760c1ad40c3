import { expect } from 'chai';
import { authorizerFor, createAuthorizer, createJwtAuthorizer, handler } from '../../../functions/authorizer/app.js';
import { FetchError, JwtExpiredError } from 'aws-jwt-verify/error';
import { tokensMatch, type AuthorizerEvent } from '../../../functions/shared/auth.js';
import { sampleEvent } from '../../helpers/events.js';
import { captureLogs } from '../../helpers/logs.js';

const SECRET = 'correct-horse-battery-staple-42';
const authorizer = createAuthorizer(() => SECRET);
const METHOD_ARN = 'arn:aws:execute-api:eu-north-1:123456789012:abc123/dev/$connect';
const eventWith = (query: Record<string, string> | null): AuthorizerEvent => ({
  type: 'REQUEST',
  methodArn: METHOD_ARN,
  queryStringParameters: query,
  requestContext: { connectionId: 'conn=', routeKey: '$connect' },
});
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    (result) => {
      throw new Error(`let through: ${JSON.stringify(result)}`);
    },
    (error: Error) => error.message,
  );

describe('$connect authorizer', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('allows the right token, for the event’s methodArn, with a principal and context', async () => {
    const result = await authorizer(eventWith({ Auth: SECRET }));
    expect(result.policyDocument).to.deep.equal({
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }],
    });
    expect(result.principalId).to.match(/^token-[0-9a-f]{8}$/);
    expect(result.context).to.include({ authMethod: 'shared-token' });
    expect(JSON.stringify(result)).to.not.include(SECRET);
  });

  const refused: [string, Record<string, string> | null][] = [
    ['a wrong token', { Auth: 'guess' }],
    ['a token that differs only in its last character', { Auth: `${SECRET.slice(0, -1)}3` }],
    ['a longer token that starts with the secret', { Auth: `${SECRET}x` }],
    ['an empty token', { Auth: '' }],
    ['no Auth parameter', { other: SECRET }],
    ['no query string at all', null],
    ['the token under another case of the name', { auth: SECRET }],
  ];
  for (const [what, query] of refused) {
    it(`refuses ${what} with Unauthorized (401)`, async () => {
      expect(await refusal(authorizer(eventWith(query)))).to.equal('Unauthorized');
    });
  }

  it('refuses on an internal failure, and never with the secret in the logs', async () => {
    const broken = createAuthorizer(() => {
      throw new Error('secret store unreachable');
    });
    const message = await refusal(broken(eventWith({ Auth: SECRET })));
    expect(message).to.not.equal('Unauthorized'); // a 500, not a 401: the caller did nothing wrong
    expect(logs.lines()[0]).to.include({ level: 'ERROR', message: 'authorizer failed', connectionId: 'conn=' });
    expect(logs.lines()[0].error).to.include({ name: 'Error', message: 'secret store unreachable' });
    expect(JSON.stringify(logs.lines())).to.not.include(SECRET);
  });

  it('never logs the token a caller sent', async () => {
    await refusal(authorizer(eventWith({ Auth: 'attempted-token-value' })));
    expect(logs.lines()).to.have.length(1);
    expect(JSON.stringify(logs.lines())).to.not.include('attempted-token-value');
  });

  it('allows events/authorizer.json with the configured AUTH_TOKEN', async () => {
    const result = await handler(sampleEvent('authorizer.json') as unknown as AuthorizerEvent);
    expect(result.policyDocument.Statement[0].Effect).to.equal('Allow');
  });

  it('compares tokens of any lengths without failing', () => {
    expect(tokensMatch('a', 'a')).to.equal(true);
    expect(tokensMatch('a', 'ab')).to.equal(false);
    expect(tokensMatch('', 'a')).to.equal(false);
  });
});

describe('$connect JWT authorizer', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());
  const TOKEN = 'header.payload.signature';

  it('allows a verified token: principalId = sub, context with sub, username and scope', async () => {
    const jwt = createJwtAuthorizer(async (token) => {
      expect(token).to.equal(TOKEN);
      return { sub: 'user-1', username: 'ann', scope: 'chat/connect', iss: 'x' };
    });
    const result = await jwt(eventWith({ Auth: TOKEN }));
    expect(result.principalId).to.equal('user-1');
    expect(result.policyDocument.Statement).to.deep.equal([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }]);
    expect(result.context).to.deep.equal({ authMethod: 'jwt', sub: 'user-1', username: 'ann', scope: 'chat/connect' });
  });

  it('refuses a bad token with Unauthorized (401), logging the reason but not the token', async () => {
    const jwt = createJwtAuthorizer(async () => {
      throw new JwtExpiredError('Token expired', 1, undefined);
    });
    expect(await refusal(jwt(eventWith({ Auth: TOKEN })))).to.equal('Unauthorized');
    expect(logs.lines()[0]).to.include({ level: 'WARN', message: 'connection refused', reason: 'invalid token' });
    expect(JSON.stringify(logs.lines())).to.not.include(TOKEN);
  });

  it('refuses a missing token with Unauthorized without verifying anything', async () => {
    const jwt = createJwtAuthorizer(async () => {
      throw new Error('must not be called');
    });
    expect(await refusal(jwt(eventWith(null)))).to.equal('Unauthorized');
    expect(await refusal(jwt(eventWith({ Auth: '' })))).to.equal('Unauthorized');
  });

  it('fails (500, not 401) when the issuer cannot be reached or something unexpected breaks', async () => {
    for (const error of [new FetchError('https://issuer/.well-known/jwks.json', 'ECONNREFUSED'), new TypeError('bug')]) {
      const jwt = createJwtAuthorizer(async () => {
        throw error;
      });
      expect(await refusal(jwt(eventWith({ Auth: TOKEN })))).to.equal('Authorizer failure');
    }
    expect(logs.lines().map((line) => line.message)).to.deep.equal(['authorizer failed', 'authorizer failed']);
  });

  it('is chosen by AUTH_MODE', async () => {
    const token = authorizerFor({ mode: 'token', token: SECRET });
    expect((await token(eventWith({ Auth: SECRET }))).context).to.include({ authMethod: 'shared-token' });
    const jwt = authorizerFor({ mode: 'jwt', issuer: 'http://127.0.0.1:1/nobody', audience: ['a'], tokenUse: 'access' });
    expect(await refusal(jwt(eventWith({ Auth: 'not-a-jwt' })))).to.equal('Unauthorized');
  });
});
