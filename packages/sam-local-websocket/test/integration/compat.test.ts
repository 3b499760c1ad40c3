/**
 * The compatibility suite: templates written the way AWS's documentation and samples write them
 * (test/fixtures/compat/), each run unmodified by the twin: two clients connect, one sends, the
 * other receives, and the table holds both connections. The refused one fails with its line.
 */
import { expect } from 'chai';
import { DescribeTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { connect, refusedStatus, type TestClient } from 'websocket-test-clients';
import { TemplateRefusedError } from '../../src/errors.js';
import { startGateway } from '../../src/stack/gateway.js';
import type { IamMode } from '../../src/iam/constants.js';
import { startLocalGateway, type LocalGateway } from '../helpers/gateway.js';
import { compatTemplate } from '../helpers/fixtures.js';

interface CompatCase {
  /** Folder under test/fixtures/compat/. */
  name: string;
  /** The frame one client sends; the other must receive `expect`. */
  send: string;
  expect: string;
  /** The table the connections land in, as named in the template (or its logical id). */
  table: string;
  query?: string;
  headers?: Record<string, string>;
  iam?: IamMode;
  parameters?: Record<string, string>;
  /** The stage clients connect to, when the test says it (from the template's Stage resource). */
  stage?: string;
  /** The table's name, when the test says it (a fixed TableName). */
  tableName?: string;
  /** A global secondary index the table must have. */
  index?: string;
}

const CASES: CompatCase[] = [
  { name: 'cfn-zipfile', send: '{"action":"sendmessage","data":"hello zip"}', expect: 'hello zip', table: 'ConnectionsTable', index: 'ByRoom' },
  { name: 'sam-esm', send: '{"action":"sendmessage","data":"hello esm"}', expect: 'hello esm', table: 'Connections' },
  { name: 'esbuild', send: '{"action":"send","data":"hello ts"}', expect: 'hello ts', table: 'Table' },
  { name: 'join-sub-list', send: '{"action":"sendmessage","data":"joined"}', expect: 'joined', table: 'Connections' },
  { name: 'stage-deployment', send: '{"action":"sendmessage","data":"staged"}', expect: 'staged', table: 'Connections', stage: 'production' },
  { name: 'tables', send: '{"action":"sendmessage","data":"tabled"}', expect: 'tabled', table: 'Connections', tableName: 'chat_connections' },
  { name: 'selection', send: '{"message":{"type":"sendmessage"},"data":"selected"}', expect: 'selected', table: 'Connections' },
  {
    name: 'authorizer',
    send: '{"action":"sendmessage","data":"authorized"}',
    expect: 'authorized',
    table: 'Connections',
    query: '?room=lobby',
    headers: { Auth: 'letmein' },
  },
  { name: 'sam-cjs', send: 'plain text to everyone else', expect: 'plain text to everyone else', table: 'Table' },
];

describe('compatibility suite: templates as AWS writes them', function () {
  this.timeout(60_000);
  for (const item of CASES) {
    describe(item.name, () => {
      let local: LocalGateway;
      const clients: TestClient[] = [];
      before(async () => {
        local = await startLocalGateway({ template: compatTemplate(item.name), iam: item.iam, parameters: item.parameters ?? {}, watch: false });
      });
      after(async () => {
        await Promise.all(clients.splice(0).map((client) => client.close()));
        await local?.close();
      });

      it('two clients exchange a message, and the table holds both connections', async () => {
        expect(local.gateway.url).to.match(/^ws:\/\/127\.0\.0\.1:\d+\/\w+$/);
        if (item.stage) expect(local.gateway.stage).to.equal(item.stage);
        if (item.tableName) expect(local.gateway.tables[item.table]).to.equal(item.tableName);
        const url = `${local.gateway.url}${item.query ?? ''}`;
        const [alice, bob] = await Promise.all([connect(url, item.headers), connect(url, item.headers)]);
        clients.push(alice, bob);
        alice.socket.send(item.send);
        expect(await bob.next(10_000)).to.equal(item.expect);
        const { Items = [] } = await local.dynamo.send(new ScanCommand({ TableName: local.gateway.tables[item.table] ?? item.table }));
        expect(Items).to.have.length(2);
        if (item.index) {
          const { Table } = await local.dynamo.send(new DescribeTableCommand({ TableName: local.gateway.tables[item.table] }));
          expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).to.deep.equal([item.index]);
        }
        const failed = local.invocations.filter((outcome) => outcome.error);
        expect(failed).to.deep.equal([]);
        // Every call was allowed by the template's own policies (roles, SAM policy templates).
        expect(local.refusals).to.deep.equal([]);
      });
    });
  }

  it('refuses a template it cannot run with one line naming the resource, the property and what is supported', async () => {
    const error = await startGateway({ port: 0, dbPort: 0, template: compatTemplate('refused-python'), watch: false, log: () => {} }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(TemplateRefusedError);
    expect((error as Error).message).to.equal(
      'OnConnect (AWS::Serverless::Function) Runtime: python3.13 is not run by the twin; it runs Node.js runtimes (nodejs18.x to nodejs24.x, older ones with a warning)',
    );
  });

  it('the authorizer refuses a connection without its identity sources, and one it denies', async () => {
    const local = await startLocalGateway({ template: compatTemplate('authorizer'), watch: false });
    try {
      const statuses = await Promise.all([
        refusedStatus(`${local.gateway.url}?room=lobby`),
        refusedStatus(`${local.gateway.url}?room=attic`, { Auth: 'letmein' }),
      ]);
      expect(statuses).to.deep.equal([401, 403]);
    } finally {
      await local.close();
    }
  });
});
