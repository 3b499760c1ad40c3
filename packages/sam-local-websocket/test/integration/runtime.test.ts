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
      // Lambda's environment, with the twin's region and account in its ARN (never `local`).
      expect(answer.arn).to.equal(`arn:aws:lambda:${local.gateway.iam.region}:${local.gateway.iam.accountId}:function:VersionFunction`);
      expect(answer.env).to.deep.include({
        _HANDLER: 'app.nodeVersion',
        AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
        LANG: 'en_US.UTF-8',
        TZ: ':UTC',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/VersionFunction',
      });
      expect(answer.env.LAMBDA_TASK_ROOT)
        .to.be.a('string')
        .and.match(/VersionFunction$/);
    } finally {
      await client.close();
    }
  });
});
