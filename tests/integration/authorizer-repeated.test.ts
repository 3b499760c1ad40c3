/**
 * A repeated `Auth` parameter: the identity-source check and the authorizer function read
 * the same value (the last, as `queryStringParameters` carries it), over real sockets.
 */
import { expect } from 'chai';
import { connect, eventually, refusedStatus } from '../helpers/clients.js';
import { connectionIdOf, startLocalGateway, type LocalGateway } from '../helpers/gateway.js';

const TOKEN = 'a-long-local-test-token-9d1e';

describe('$connect authorizer with a repeated Auth parameter', function () {
  this.timeout(60_000);
  let local: LocalGateway;
  before(async () => {
    local = await startLocalGateway({ parameters: { AuthToken: TOKEN } });
  });
  after(async () => {
    await local.close();
  });

  // `invoked`: whether the authorizer function ran (false: the identity-source check refused first).
  const CASES: { query: string; expect: 'connects' | number; invoked?: boolean }[] = [
    { query: `Auth=wrong&Auth=${TOKEN}`, expect: 'connects' },
    { query: `Auth=&Auth=${TOKEN}`, expect: 'connects' },
    { query: `Auth=${TOKEN}&Auth=wrong`, expect: 401, invoked: true },
    { query: `Auth=${TOKEN}&Auth=`, expect: 401, invoked: false },
    { query: `Auth=${TOKEN}&auth=x`, expect: 'connects' }, // names are case-sensitive
  ];
  for (const testCase of CASES) {
    it(`?${testCase.query.replaceAll(TOKEN, 'T')} → ${testCase.expect}`, async () => {
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
      await eventually(async () => (await local.storedIds()).length === 0 && local.gateway.registry.size === 0);
    });
  }
});
