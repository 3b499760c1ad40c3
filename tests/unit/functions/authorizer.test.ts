import { expect } from 'chai';
import { createAuthorizer, handler } from '../../../functions/authorizer/app.js';
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
    ['a token that differs only in its last character', { Auth: SECRET.slice(0, -1) + '3' }],
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
