import { expect } from 'chai';
import { banner, type BannerFacts } from '../../../src/cli/banner.js';

/** Functions by logical id with their template Runtime (undefined: none given). */
function functionsOf(runtimes: Record<string, string | undefined>): BannerFacts['functions'] {
  return {
    built: Object.keys(runtimes).map((logicalId) => ({ logicalId })),
    get: (logicalId) => (logicalId in runtimes ? { spec: { runtime: runtimes[logicalId] } } : undefined),
  };
}

/** A running gateway's facts: an open API on the default port, IAM enforced, Node 24 functions. */
function facts(overrides: Partial<BannerFacts> = {}): BannerFacts {
  return {
    port: 3001,
    stage: 'dev',
    dbEndpoint: 'http://127.0.0.1:8000',
    tables: { ConnectionsTable: 'ConnectionsTable-local' },
    iam: { mode: 'enforce', accountId: '000000000000', region: 'us-east-1', warnings: [] },
    functions: functionsOf({ ConnectFunction: 'nodejs24.x', BroadcastFunction: 'nodejs24.x' }),
    api: { routeSelectionExpression: '$request.body.action', routeKeys: ['$connect', '$default', 'broadcast'] },
    ...overrides,
  };
}

const lines = (text: string) => text.split('\n');
const NODE = 'v24.1.0';

describe('local/banner', () => {
  it('shows an open API at localhost: its URLs, the store and its table, and how to try it', () => {
    const text = banner(facts(), { page: 'web' }, NODE);
    expect(lines(text)).to.include.members([
      '  WebSocket URL     ws://localhost:3001/dev   (open: no authorizer; see AUTH_TOKEN and --auth)',
      '  Try-it page       http://localhost:3001/   (open it in two tabs)',
      '  @connections      http://localhost:3001/dev/@connections/{connectionId}',
      '  Lambda Invoke     http://localhost:3001   (AWS_ENDPOINT_URL_LAMBDA; every function of the template)',
      '  DynamoDB          http://localhost:8000   tables: ConnectionsTable-local',
      '    npx wscat -c ws://localhost:3001/dev',
      '    aws dynamodb scan --endpoint-url http://localhost:8000 --table-name ConnectionsTable-local',
    ]);
    expect(text).to.not.include('Faults');
    expect(text).to.not.include('Local issuer');
    expect(text).to.not.include('with AUTH_TOKEN set');
  });

  it('names the page only when one is served (--page)', () => {
    expect(banner(facts(), {}, NODE)).to.not.include('Try-it page');
    expect(banner(facts(), { page: 'web' }, NODE)).to.include('Try-it page');
  });

  it('suggests a message from the template’s routes: its first custom route in the field the selection expression reads, else plain text', () => {
    expect(lines(banner(facts(), {}, NODE))).to.include('    > {"action": "broadcast", "data": "Tervehdys kaikille!"}');
    const typed = { routeSelectionExpression: '$request.body.type', routeKeys: ['$default', 'chat', 'ping'] };
    expect(lines(banner(facts({ api: typed }), {}, NODE))).to.include('    > {"type": "chat", "data": "Tervehdys kaikille!"}');
    const echo = { routeSelectionExpression: '$request.body.action', routeKeys: ['$connect', '$default'] };
    expect(lines(banner(facts({ api: echo }), {}, NODE))).to.include('    > Tervehdys kaikille!');
    const header = { routeSelectionExpression: '${request.header.route}', routeKeys: ['$default', 'chat'] };
    expect(lines(banner(facts({ api: header }), {}, NODE))).to.include('    > Tervehdys kaikille!');
  });

  it('shows the address it listens on when it is not 127.0.0.1', () => {
    const text = banner(facts({ port: 4000, stage: 'prod' }), { host: '0.0.0.0', page: 'web' }, NODE);
    expect(lines(text)).to.include('    npx wscat -c ws://0.0.0.0:4000/prod');
    expect(lines(text)).to.include('  Try-it page       http://0.0.0.0:4000/   (open it in two tabs)');
    expect(lines(banner(facts(), { host: '127.0.0.1' }, NODE))).to.include('    npx wscat -c ws://localhost:3001/dev');
  });

  it('with a token shows where it goes ($AUTH_TOKEN) and never the token itself', () => {
    const token = 'tok-5c1e9a77-never-printed'; // appears nowhere else in the banner's inputs
    const text = banner(
      facts({ api: { ...facts().api, connectIdentitySources: ['route.request.querystring.Auth'] } }),
      { parameters: { AuthToken: token } },
      NODE,
    );
    expect(text).to.not.include(token);
    expect(text).to.not.include('5c1e9a77');
    expect(lines(text)).to.include.members([
      '  WebSocket URL     ws://localhost:3001/dev?Auth=<token>   (authorizer on: connections need the token)',
      '    npx wscat -c "ws://localhost:3001/dev?Auth=$AUTH_TOKEN"',
      '    (with AUTH_TOKEN set to the token the gateway was given)',
    ]);
  });

  it("says what the served API's $connect authorizer needs, whatever token was given (any template)", () => {
    const guarded = facts({ api: { ...facts().api, connectIdentitySources: ['route.request.querystring.token', 'route.request.header.X-Key'] } });
    for (const options of [{}, { parameters: { AuthToken: 'tok' } }]) {
      const text = lines(banner(guarded, options, NODE));
      expect(text).to.include(
        '  WebSocket URL     ws://localhost:3001/dev   (authorizer on: $connect needs route.request.querystring.token, route.request.header.X-Key)',
      );
      expect(text).to.include('    npx wscat -c ws://localhost:3001/dev');
      expect(text.join('\n')).to.not.include('AUTH_TOKEN set');
    }
    // A token in the environment does not guard an API whose $connect has no authorizer.
    expect(lines(banner(facts(), { parameters: { AuthToken: 'tok' } }, NODE))).to.include(
      '  WebSocket URL     ws://localhost:3001/dev   (open: no authorizer; see AUTH_TOKEN and --auth)',
    );
  });

  it('with the local issuer shows it and a token minted by npm run token (--port only off 3001)', () => {
    const issuer = { url: 'http://localhost:3001/local-issuer', audience: 'local-websocket-client' };
    const text = banner(facts({ issuer }), {}, NODE);
    expect(lines(text)).to.include.members([
      '  WebSocket URL     ws://localhost:3001/dev?Auth=<JWT>   (JWT authorizer on: connections need a token from the local issuer)',
      '  Local issuer      http://localhost:3001/local-issuer   (audience local-websocket-client; a new key pair each run)',
      '    npx wscat -c "ws://localhost:3001/dev?Auth=$(npx sam-local-websocket token --sub alice)"',
    ]);
    expect(text).to.not.include('with AUTH_TOKEN set');
    expect(lines(banner(facts({ issuer, port: 4100 }), {}, NODE))).to.include(
      '    npx wscat -c "ws://localhost:4100/dev?Auth=$(npx sam-local-websocket token --sub alice --port 4100)"',
    );
  });

  describe('the functions’ Node.js', () => {
    it('names the Node.js they run on and the template’s runtime once, with no note when they match', () => {
      expect(lines(banner(facts(), {}, NODE))).to.include('  Functions run on  Node.js v24.1.0   (template Runtime: nodejs24.x)');
    });

    it('notes when the template’s runtime differs, or a function names none', () => {
      const differs = "   (differs: run it on the Node.js of the template's Runtime)";
      const older = banner(facts({ functions: functionsOf({ A: 'nodejs24.x', B: 'nodejs22.x' }) }), {}, NODE);
      expect(lines(older)).to.include(`  Functions run on  Node.js v24.1.0   (template Runtime: nodejs24.x, nodejs22.x)${differs}`);
      const none = banner(facts({ functions: functionsOf({ A: undefined }) }), {}, NODE);
      expect(lines(none)).to.include(`  Functions run on  Node.js v24.1.0   (template Runtime: none)${differs}`);
      const newerNode = banner(facts(), {}, 'v25.0.0');
      expect(lines(newerNode)).to.include(`  Functions run on  Node.js v25.0.0   (template Runtime: nodejs24.x)${differs}`);
    });
  });

  it('shows the IAM mode, its account and region, and how many warnings there were', () => {
    expect(lines(banner(facts(), {}, NODE))).to.include(
      '  IAM               enforce: functions hold to their template policies (account 000000000000, region us-east-1; --iam off)',
    );
    const warned = facts({ iam: { mode: 'enforce', accountId: '111122223333', region: 'eu-north-1', warnings: ['a', 'b'] } });
    expect(lines(banner(warned, {}, NODE))).to.include(
      '  IAM               enforce: functions hold to their template policies (account 111122223333, region eu-north-1; 2 warning(s) above; --iam off)',
    );
    const off = facts({ iam: { mode: 'off', accountId: '000000000000', region: 'us-east-1', warnings: ['ignored'] } });
    expect(lines(banner(off, {}, NODE))).to.include('  IAM               off: no call is checked (account 000000000000, region us-east-1)');
  });

  it('shows injected @connections faults: latency, and failures with their status (500 unless given)', () => {
    expect(lines(banner(facts(), { faults: { latencyMs: 50 } }, NODE))).to.include('  Faults            @connections: +50 ms per call');
    expect(lines(banner(facts(), { faults: { failureRate: 0.25, failureStatus: 503 } }, NODE))).to.include(
      '  Faults            @connections: +0 ms per call, 25% of calls fail with 503',
    );
    expect(lines(banner(facts(), { faults: { latencyMs: 10, failureRate: 0.5 } }, NODE))).to.include(
      '  Faults            @connections: +10 ms per call, 50% of calls fail with 500',
    );
    expect(banner(facts(), { faults: { latencyMs: 0, failureRate: 0 } }, NODE)).to.not.include('Faults');
  });

  it('says what is open: this machine only on loopback; the network, and whether foreign keys are refused, elsewhere', () => {
    expect(lines(banner(facts(), {}, NODE))).to.include(
      "  Open to           this machine only (127.0.0.1); any access key counts as an administrator's (the aws CLI, Postman)",
    );
    const open = lines(banner(facts(), { host: '0.0.0.0' }, NODE)).find((line) => line.startsWith('  Open to'));
    expect(open).to.match(
      /THE NETWORK \(0\.0\.0\.0\): access keys it did not issue are refused \(--allow-admin-keys to accept them\); the DynamoDB port .* answers anyone, unchecked$/,
    );
    const admin = lines(banner(facts(), { host: '0.0.0.0', allowAdminKeys: true }, NODE)).find((line) => line.startsWith('  Open to'));
    expect(admin).to.match(/any access key counts as an administrator's \(--allow-admin-keys\)/);
  });

  it('says <table> when the template has no table', () => {
    const text = banner(facts({ tables: {} }), {}, NODE);
    expect(lines(text)).to.include('  DynamoDB          http://localhost:8000   tables: ');
    expect(lines(text)).to.include('    aws dynamodb scan --endpoint-url http://localhost:8000 --table-name <table>');
  });

  it('reads this process’s Node.js by default', () => {
    expect(banner(facts(), {})).to.include(`Node.js ${process.version}   (template Runtime:`);
  });
});
