/** A container as Lambda runs one: frozen between invocations, its heap bounded by MemorySize, its own ids. */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionArnOf, heapLimitMb, logStreamName } from '../../../src/lambda/container.js';
import { LocalFunction, OUT_OF_MEMORY_ERROR, pendingWorkWarning, tmpFullWarning } from '../../../src/lambda/invoker.js';
import type { FunctionSpec } from '../../../src/template/template.js';

const HANDLER = `
import { createWriteStream, existsSync, promises, readFileSync, writeFile, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
globalThis.late = [];
const codeOf = (run) => { try { run(); return 'written'; } catch (error) { return error.code; } };
export const handler = async (event, context) => {
  if (event.leave) setTimeout(() => { globalThis.late.push(event.leave); console.log('late ' + event.leave); }, 5);
  if (event.awaited) await new Promise((done) => setTimeout(done, 5));
  if (event.grow) { const hoard = []; for (;;) hoard.push(new Array(1e6).fill(hoard.length)); }
  if (event.writeCode) {
    const file = join(process.env.LAMBDA_TASK_ROOT, 'written.txt');
    return {
      sync: codeOf(() => writeFileSync(file, 'x')),
      relative: codeOf(() => writeFileSync('relative.txt', 'x')),
      promise: await promises.appendFile(file, 'x').then(() => 'written', (error) => error.code),
      callback: await new Promise((done) => writeFile(file, 'x', (error) => done(error ? error.code : 'written'))),
      message: codeOf(() => { try { writeFileSync(file, 'x'); } catch (error) { throw { code: error.message }; } }),
      readable: readFileSync(join(process.env.LAMBDA_TASK_ROOT, 'app.mjs'), 'utf8').length > 0,
    };
  }
  if (event.tmp) {
    writeFileSync('/tmp/' + event.tmp, 'kept in the container');
    return { read: readFileSync('/tmp/' + event.tmp, 'utf8'), tmpdir: tmpdir(), env: process.env.TMPDIR, exists: existsSync(join(tmpdir(), event.tmp)) };
  }
  if (event.fill) return codeOf(() => writeFileSync('/tmp/' + (event.name ?? 'fill'), Buffer.alloc(event.fill)));
  if (event.stream) {
    await new Promise((done, fail) => { const out = createWriteStream('/tmp/streamed'); out.on('error', fail); out.on('close', done); out.end(Buffer.alloc(event.stream)); });
    return 'streamed';
  }
  if (event.look) { await new Promise((done) => setTimeout(done, 0)); return [...globalThis.late]; }
  return {
    arn: context.invokedFunctionArn,
    stream: context.logStreamName,
    group: context.logGroupName,
    env: Object.fromEntries(['AWS_LAMBDA_LOG_STREAM_NAME', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'NODE_PATH', '_X_AMZN_TRACE_ID'].map((name) => [name, process.env[name]])),
  };
};`;

describe('a function’s containers', function () {
  this.timeout(20_000);
  let dir: string;
  let fn: LocalFunction;
  let lines: string[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'container-'));
    writeFileSync(join(dir, 'app.mjs'), HANDLER);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    lines = [];
    const spec: FunctionSpec = {
      logicalId: 'Fn',
      codeDir: dir,
      handler: 'app.handler',
      timeout: 30,
      memorySize: 128,
      ephemeralStorageMb: 1,
      environment: {},
      buildProperties: {},
    };
    const built = { logicalId: 'Fn', file: join(dir, 'app.mjs'), exportName: 'handler', bytes: 0, inputs: [], outputs: [] };
    fn = new LocalFunction(spec, built, { AWS_REGION: 'eu-north-1' }, (_name, line) => lines.push(line), 1);
  });
  afterEach(() => fn.close());

  it('are frozen after the handler returns: a timer it left runs only when the next invocation wakes the container', async () => {
    const left = await fn.invoke({ leave: 'first' });
    expect(left.pending).to.deep.equal(['Timeout']);
    // Ten times the timer's delay: a container that ran on would have logged it by now.
    await new Promise((done) => setTimeout(done, 100));
    expect(lines.filter((line) => line.startsWith('late'))).to.deep.equal([]);
    const looked = await fn.invoke({ look: true });
    expect(looked).to.deep.include({ ok: true, result: ['first'] });
  });

  it('warn, naming the function, when work was pending at return; not when the handler awaited it', async () => {
    await fn.invoke({ leave: 'a' });
    expect(lines).to.include(pendingWorkWarning('Fn', ['Timeout']));
    expect(pendingWorkWarning('Fn', ['Timeout'])).to.match(/^WARNING: Fn returned with work still pending \(Timeout\)\. Lambda freezes/);
    expect(pendingWorkWarning('Fn', ['Timeout', 'TCPSocketWrap', 'Timeout'])).to.include('(Timeout x2, TCPSocketWrap)');
    lines.length = 0;
    const awaited = await fn.invoke({ awaited: true });
    expect(awaited.pending).to.equal(undefined);
    expect(lines.filter((line) => line.startsWith('WARNING'))).to.deep.equal([]);
  });

  it('carry the twin’s region and account in invokedFunctionArn, and Lambda’s per-environment variables', async () => {
    const outcome = await fn.invoke({});
    const result = (outcome as { result: { arn: string; stream: string; group: string; env: Record<string, string> } }).result;
    expect(result.arn).to.equal('arn:aws:lambda:eu-north-1:000000000000:function:Fn').and.equal(functionArnOf('Fn', 'eu-north-1'));
    expect(result.group).to.equal('/aws/lambda/Fn');
    expect(result.stream)
      .to.match(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/)
      .and.equal(result.env.AWS_LAMBDA_LOG_STREAM_NAME);
    expect(result.env.LAMBDA_TASK_ROOT).to.equal(dir);
    expect(result.env.NODE_PATH.split(':').at(-1)).to.equal(dir);
    expect(result.env._X_AMZN_TRACE_ID).to.match(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    const again = (await fn.invoke({})) as { result: { stream: string; env: Record<string, string> } };
    expect(again.result.stream).to.equal(result.stream); // same container, same stream
    expect(again.result.env._X_AMZN_TRACE_ID).to.not.equal(result.env._X_AMZN_TRACE_ID); // a trace per invocation
    expect(functionArnOf('Fn', 'cn-north-1')).to.equal('arn:aws-cn:lambda:cn-north-1:000000000000:function:Fn');
    expect(logStreamName(new Date(Date.UTC(2026, 0, 2)))).to.match(/^2026\/01\/02\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('have a read-only code folder: writes there (or to a relative path) fail with EROFS, in every form', async () => {
    const outcome = await fn.invoke({ writeCode: true });
    expect(outcome).to.deep.include({
      ok: true,
      result: {
        sync: 'EROFS',
        relative: 'EROFS',
        promise: 'EROFS',
        callback: 'EROFS',
        message: `EROFS: read-only file system, writefile '${join(dir, 'written.txt')}'`,
        readable: true,
      },
    });
  });

  it('each have their own /tmp (os.tmpdir() too), gone with the container', async () => {
    const name = `container-test-${process.pid}`;
    const outcome = (await fn.invoke({ tmp: name })) as { ok: true; result: { read: string; tmpdir: string; env: string; exists: boolean } };
    expect(outcome.result).to.include({ read: 'kept in the container', exists: true });
    expect(outcome.result.tmpdir)
      .to.equal(outcome.result.env)
      .and.match(/sam-local-websocket-tmp-/);
    expect(existsSync(join('/tmp', name)), 'the host’s /tmp').to.equal(false);
    expect(existsSync(join(outcome.result.tmpdir, name))).to.equal(true);
    await fn.close();
    expect(existsSync(outcome.result.tmpdir)).to.equal(false);
  });

  it('hold /tmp to EphemeralStorage: a write past it fails with ENOSPC, a rewrite of a file counts once', async () => {
    const result = async (event: object) => ((await fn.invoke(event)) as { result: unknown }).result;
    expect(await result({ fill: 700 * 1024 })).to.equal('written');
    expect(await result({ fill: 700 * 1024 })).to.equal('written'); // the same file, replaced
    expect(await result({ fill: 400 * 1024, name: 'second' })).to.equal('ENOSPC');
    expect(await result({ fill: 300 * 1024, name: 'second' })).to.equal('written');
  });

  it('warn, naming the function, when a write they cannot size (a stream) leaves /tmp over EphemeralStorage', async () => {
    await fn.invoke({ stream: 512 * 1024 });
    expect(lines.filter((line) => line.startsWith('WARNING'))).to.deep.equal([]);
    await fn.invoke({ stream: 2 * 1024 * 1024 });
    expect(lines).to.include(tmpFullWarning({ logicalId: 'Fn', ephemeralStorageMb: 1 }, 2 * 1024 * 1024));
    expect(tmpFullWarning({ logicalId: 'Fn', ephemeralStorageMb: 1 }, 2 * 1024 * 1024)).to.equal(
      "WARNING: Fn's /tmp holds 2.0 MB, over its EphemeralStorage of 1 MB: on Lambda the write that went past it fails with ENOSPC.",
    );
  });

  it('die past MemorySize (the heap is bounded as Lambda’s bootstrap bounds it), failing the invocation with Lambda’s error', async () => {
    expect(heapLimitMb(128)).to.equal(116);
    expect(heapLimitMb(1024)).to.equal(922);
    const outcome = await fn.invoke({ grow: true });
    expect(outcome).to.deep.include({ ok: false, error: OUT_OF_MEMORY_ERROR });
    expect(lines.some((line) => line.startsWith('container ran out of memory (MemorySize 128 MB, heap limit 116 MB)'))).to.equal(true);
    // A fresh container serves the next invocation.
    expect((await fn.invoke({ look: true })).ok).to.equal(true);
  });
});
