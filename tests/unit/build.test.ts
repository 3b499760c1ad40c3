import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildFunction, type BuiltFunction, esbuildOptions, functionsOf, loadTemplate } from 'sam-local-websocket';

describe('npm run build (bundles from the template’s Metadata)', function () {
  this.timeout(60_000);
  const { template, baseDir } = loadTemplate('template.yaml');
  const functions = functionsOf(template, baseDir);
  let built: BuiltFunction[];
  before(async () => {
    built = await Promise.all(functions.map((fn) => buildFunction(fn, baseDir)));
  });

  it('maps BuildProperties to esbuild options as sam build does', () => {
    const options = esbuildOptions(functions[0], '/tmp/out');
    expect(options).to.deep.include({
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: ['node24'],
      minify: true,
      mainFields: ['module', 'main'],
      outExtension: { '.js': '.mjs' },
      sourcemap: true,
      // SourcesContent: 'false' (a string: SAM turns it into --sources-content=false).
      sourcesContent: false,
      // Alias and Splitting: the cold-start cuts (issue 29), as SAM passes them (--alias:..., --splitting).
      alias: { '@aws-sdk/credential-provider-node': '../shared/lambda-credentials.ts' },
      splitting: true,
      // sam build runs esbuild in the function's folder: the alias resolves from there.
      absWorkingDir: functions[0].codeDir,
    });
  });

  it('refuses a BuildProperty it does not know instead of ignoring it', () => {
    const fn = { ...functions[0], buildProperties: { ...functions[0].buildProperties, Charset: 'utf8' } };
    expect(() => esbuildOptions(fn, '/tmp/out')).to.throw(/Charset/);
  });

  it('writes each bundle’s source map beside it, pointing at the TypeScript sources without their text', () => {
    for (const fn of built) {
      expect(readFileSync(fn.file, 'utf8').trimEnd().endsWith('//# sourceMappingURL=app.mjs.map'), fn.logicalId).to.equal(true);
      const map = JSON.parse(readFileSync(`${fn.file}.map`, 'utf8'));
      const codeDir = functions
        .find((spec) => spec.logicalId === fn.logicalId)!
        .codeDir.split('/')
        .pop();
      expect(
        map.sources.some((source: string) => source.endsWith(`functions/${codeDir}/app.ts`)),
        fn.logicalId,
      ).to.equal(true);
      expect(map, fn.logicalId).to.not.have.property('sourcesContent');
    }
  });

  it('bundles every function into an .mjs that exports its handler', async () => {
    expect(built.map((fn) => fn.logicalId).sort()).to.deep.equal(functions.map((fn) => fn.logicalId).sort());
    for (const fn of built) {
      expect(fn.file).to.match(/\.build\/functions\/\w+\/app\.mjs$/);
      expect(fn.outputs, fn.logicalId).to.include(fn.file).and.include(`${fn.file}.map`);
      expect(fn.bytes).to.be.greaterThan(1000);
      const module = await import(pathToFileURL(fn.file).href);
      expect(module[fn.exportName], fn.logicalId).to.be.a('function');
    }
  });

  it('puts the shared code into each bundle, and only the SDK clients that function uses', () => {
    const clientsIn = (fn: BuiltFunction) =>
      ['client-dynamodb', 'client-apigatewaymanagementapi', 'client-lambda'].filter((client) =>
        fn.inputs.some((input) => input.includes(`/@aws-sdk/${client}/`)),
      );
    const clients = Object.fromEntries(built.map((fn) => [fn.logicalId, clientsIn(fn)]));
    expect(clients).to.deep.equal({
      ConnectFunction: ['client-dynamodb'],
      DisconnectFunction: ['client-dynamodb'],
      DefaultFunction: ['client-apigatewaymanagementapi'],
      BroadcastFunction: ['client-dynamodb', 'client-apigatewaymanagementapi', 'client-lambda'],
      // The worker never starts other functions: no Lambda client in its bundle.
      FanOutWorkerFunction: ['client-dynamodb', 'client-apigatewaymanagementapi'],
      AuthorizerFunction: [],
    });
    for (const fn of built) {
      expect(
        fn.inputs.some((input) => input.includes('/functions/shared/')),
        fn.logicalId,
      ).to.equal(true);
    }
  });

  it('takes the partition data from the copy the SDK clients already bundle', () => {
    const matching = (fn: BuiltFunction, pattern: RegExp) => fn.inputs.filter((input) => pattern.test(input)).length;
    for (const fn of built) {
      expect(matching(fn, /\/partitions\.js$/), fn.logicalId).to.be.at.most(1);
    }
    // @aws-sdk/util-endpoints is only the one re-export file, in the functions that post to @connections.
    const withUtilEndpoints = built.filter((fn) => matching(fn, /\/@aws-sdk\/util-endpoints\//) > 0);
    expect(withUtilEndpoints.map((fn) => fn.logicalId).sort()).to.deep.equal(['BroadcastFunction', 'DefaultFunction', 'FanOutWorkerFunction']);
    for (const fn of withUtilEndpoints) expect(matching(fn, /\/@aws-sdk\/util-endpoints\//), fn.logicalId).to.equal(1);
  });
});
