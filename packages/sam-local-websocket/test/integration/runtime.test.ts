/** The functions run on the Node.js major of the template's Runtime, asked through the running gateway. */
import { expect } from 'chai';
import { loadTemplate, nodeMajorOf } from '../../src/template/template.js';
import { connect } from 'websocket-test-clients';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';
import { CHAT_APP_TEMPLATE } from '../helpers/fixtures.js';
import { addRoute, templateCopy } from '../helpers/template-copy.js';

describe('the Node.js the functions run on', function () {
  this.timeout(30_000);
  const runtime = loadTemplate(CHAT_APP_TEMPLATE).template.Globals?.Function?.Runtime as string;
  let local: LocalGateway;
  let copy: ReturnType<typeof templateCopy>;

  before(async () => {
    copy = templateCopy((template) => addRoute(template, 'version', 'app.nodeVersion', { returnsBody: true }));
    local = await startLocalGateway({ template: copy.path, watch: false });
  });
  after(async () => {
    await local?.close();
    copy?.remove();
  });

  it(`is the template's runtime (${runtime}): a function answers its process.version`, async () => {
    const client = await connect(local.gateway.url);
    try {
      client.socket.send(JSON.stringify({ action: 'version' }));
      const answer = JSON.parse(await client.next());
      // Its own environment proves the answer came from inside the function's container.
      expect(answer.functionName).to.equal('VersionFunction');
      expect(answer.version).to.match(new RegExp(`^v${nodeMajorOf(runtime)}\\.\\d+\\.\\d+$`));
    } finally {
      await client.close();
    }
  });
});
