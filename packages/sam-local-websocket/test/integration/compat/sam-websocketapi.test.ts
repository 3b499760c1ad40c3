/**
 * Compatibility templates on SAM's own resource (AWS::Serverless::WebSocketApi): the twin serves
 * what SAM generates, with SAM's default stage, routes, REQUEST authorizer and route responses,
 * and selects routes with the full selection-expression language.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { connect } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../../helpers/gateway.js';

const compat = (name: string) => fileURLToPath(new URL(`../../fixtures/compat/${name}/template.yaml`, import.meta.url));

const refusedStatus = (url: string) =>
  connect(url).then(
    async (client) => {
      await client.close();
      return 101;
    },
    (error: { status?: number }) => error.status,
  );

describe('compatibility: AWS::Serverless::WebSocketApi', function () {
  this.timeout(60_000);

  describe('sam-websocketapi-auth (REQUEST authorizer, stage from a parameter, Globals)', () => {
    let local: LocalGateway;
    before(async () => {
      local = await startLocalGateway({ template: compat('sam-websocketapi-auth') });
    });
    after(() => local?.close());

    it('serves the stage the template names and its authorizer refuses a wrong token', async () => {
      expect(new URL(local.gateway.url).pathname).to.equal('/prod');
      expect(await refusedStatus(`${local.gateway.url}?token=wrong`)).to.equal(403);
      expect(await refusedStatus(local.gateway.url)).to.equal(401);
    });

    it('routes a custom key and $default through the generated routes, with the authorizer context', async () => {
      const client = await connect(`${local.gateway.url}?token=letmein`);
      try {
        client.socket.send(JSON.stringify({ action: 'whoami' }));
        expect(JSON.parse(await client.next())).to.deep.equal({ routeKey: 'whoami', user: 'tester', stage: 'prod' });
        client.socket.send('not json');
        expect(JSON.parse(await client.next())).to.deep.equal({ routeKey: '$default', user: 'tester', stage: 'prod' });
      } finally {
        await client.close();
      }
    });
  });

  describe('sam-websocketapi-minimal (SAM default stage, braces in the selection expression)', () => {
    let local: LocalGateway;
    before(async () => {
      local = await startLocalGateway({ template: compat('sam-websocketapi-minimal') });
    });
    after(() => local?.close());

    it('serves SAM\'s stage "default" and selects ${request.body.kind}v1', async () => {
      expect(new URL(local.gateway.url).pathname).to.equal('/default');
      const client = await connect(local.gateway.url);
      try {
        client.socket.send(JSON.stringify({ kind: 'ping' }));
        expect(JSON.parse(await client.next()).routeKey).to.equal('pingv1');
        client.socket.send(JSON.stringify({ kind: 'pong' }));
        expect(JSON.parse(await client.next()).routeKey).to.equal('$default');
      } finally {
        await client.close();
      }
    });
  });
});
