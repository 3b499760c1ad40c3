/**
 * The store's own HTTP handling (it replaced dynalite's server, whose throws could stop the
 * twin): every request gets DynamoDB's (and dynalite's) answer, whatever its bytes.
 */
import { expect } from 'chai';
import { engineStore } from '../../helpers/engine-store.js';

const SIGNED = {
  authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc',
  'x-amz-date': '20260101T000000Z',
};
const JSON_1_0 = { 'content-type': 'application/x-amz-json-1.0' };

describe('local/store: answers before the operation', () => {
  let running: Awaited<ReturnType<typeof engineStore>>;
  before(async () => {
    running = await engineStore();
  });
  after(() => running.close());
  const post = async (headers: Record<string, string>, body: string) => {
    const answer = await fetch(running.store.endpoint, { method: 'POST', headers, body });
    return { status: answer.status, headers: answer.headers, text: await answer.text() };
  };
  const typeOf = (text: string) => (JSON.parse(text) as { __type: string }).__type;

  it('answers a health check, and a browser’s preflight', async () => {
    const health = await fetch(running.store.endpoint);
    expect(await health.text()).to.equal('healthy: dynamodb.us-east-1.amazonaws.com ');
    const preflight = await fetch(running.store.endpoint, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3001', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target' },
    });
    expect(preflight.status).to.equal(200);
    expect(preflight.headers.get('access-control-allow-origin')).to.equal('*');
    expect(preflight.headers.get('access-control-allow-headers')).to.equal('x-amz-target');
  });

  it('answers a bad envelope as DynamoDB does: content type, JSON, target, signature', async () => {
    const target = { 'x-amz-target': 'DynamoDB_20120810.ListTables' };
    expect((await post({ 'content-type': 'text/plain', ...target, ...SIGNED }, '{}')).status).to.equal(404);
    expect(typeOf((await post({ ...JSON_1_0, ...target, ...SIGNED }, '{not json')).text)).to.equal('com.amazon.coral.service#SerializationException');
    expect(typeOf((await post({ ...JSON_1_0, 'x-amz-target': 'DynamoDB_20120810.ExecuteStatement', ...SIGNED }, '{}')).text)).to.equal(
      'com.amazon.coral.service#UnknownOperationException',
    );
    const unsigned = await post({ ...JSON_1_0, ...target }, '{}');
    expect(JSON.parse(unsigned.text)).to.deep.equal({
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
    const incomplete = await post({ ...JSON_1_0, ...target, authorization: 'AWS4-HMAC-SHA256 Credential=a' }, '{}');
    expect(typeOf(incomplete.text)).to.equal('com.amazon.coral.service#IncompleteSignatureException');
  });

  it('answers an operation with its request id, checksum, and (for a browser) CORS', async () => {
    const answer = await post({ ...JSON_1_0, 'x-amz-target': 'DynamoDB_20120810.ListTables', origin: 'http://localhost:3001', ...SIGNED }, '{}');
    expect(JSON.parse(answer.text)).to.deep.equal({ TableNames: ['items', 'rooms'] });
    expect(answer.headers.get('x-amzn-requestid')).to.match(/^[A-Z0-9]{52}$/);
    expect(answer.headers.get('access-control-allow-origin')).to.equal('*');
    expect(Number(answer.headers.get('x-amz-crc32'))).to.be.greaterThan(0);
  });
});
