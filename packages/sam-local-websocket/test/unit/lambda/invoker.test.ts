/** LocalFunction's queue: $disconnect first, draining on shutdown, and the CPU each invocation used. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFunction } from '../../../src/lambda/invoker.js';
import type { Outcome } from '../../../src/lambda/container-protocol.js';
import type { FunctionSpec } from '../../../src/template/template.js';

// A handler that waits for `waitMs`, or burns `cpuMs` of its thread's CPU, and answers its tag.
const HANDLER = `export const handler = async (event) => {
  if (event.cpuMs) {
    const start = process.threadCpuUsage();
    const used = () => { const now = process.threadCpuUsage(start); return (now.user + now.system) / 1000; };
    while (used() < event.cpuMs);
  }
  if (event.waitMs) await new Promise((done) => setTimeout(done, event.waitMs));
  if (event.exitCode !== undefined) {
    setTimeout(() => process.exit(event.exitCode), 10);
    await new Promise(() => {});
  }
  return event.tag;
};`;

describe('LocalFunction', () => {
  let dir: string;
  let fn: LocalFunction;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'invoker-'));
    writeFileSync(join(dir, 'app.mjs'), HANDLER);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    const spec: FunctionSpec = { logicalId: 'Fn', codeDir: dir, handler: 'app.handler', timeout: 30, memorySize: 128, environment: {}, buildProperties: {} };
    fn = new LocalFunction(
      spec,
      { logicalId: 'Fn', file: join(dir, 'app.mjs'), exportName: 'handler', bytes: 0, inputs: [], outputs: [] },
      { PATH: process.env.PATH ?? '' },
      () => {},
      1,
    );
  });
  afterEach(() => fn.close());

  it('runs a priority invocation ($disconnect) ahead of the ordinary ones already queued', async () => {
    const finished: string[] = [];
    const run = (tag: string, priority = false) => fn.invoke({ tag, waitMs: 20 }, { priority }).then((outcome) => finished.push(tag) && outcome);
    const all = [run('running'), run('queued-1'), run('queued-2'), run('disconnect-1', true), run('disconnect-2', true)];
    await Promise.all(all);
    expect(finished).to.deep.equal(['running', 'disconnect-1', 'disconnect-2', 'queued-1', 'queued-2']);
  });

  it('drain() sheds queued ordinary invocations and refuses new ones, while the running one and priority ones finish', async () => {
    const running = fn.invoke({ tag: 'running', waitMs: 100 });
    const queued = fn.invoke({ tag: 'queued' });
    const disconnect = fn.invoke({ tag: 'disconnect' }, { priority: true });
    fn.drain();
    const late = fn.invoke({ tag: 'late' });
    const lateDisconnect = fn.invoke({ tag: 'late-disconnect' }, { priority: true });
    const shed = (outcome: Outcome) => !outcome.ok && outcome.error.name === 'Shutdown' && outcome.cpuMs === undefined;
    expect(shed(await queued)).to.equal(true);
    expect(shed(await late)).to.equal(true);
    for (const [outcome, tag] of [
      [await running, 'running'],
      [await disconnect, 'disconnect'],
      [await lateDisconnect, 'late-disconnect'],
    ] as const) {
      expect(outcome.ok && outcome.result).to.equal(tag);
    }
  });

  it('does not run an invocation whose startBy passed while it waited for the container (an expired async event)', async () => {
    const running = fn.invoke({ tag: 'running', waitMs: 150 });
    const tooLate = fn.invoke({ tag: 'too-late' }, { startBy: Date.now() + 20 });
    const inTime = fn.invoke({ tag: 'in-time' }, { startBy: Date.now() + 60_000 });
    const expired = await tooLate;
    expect(expired.ok).to.equal(false);
    expect(!expired.ok && { name: expired.error.name, expired: expired.expired, cpuMs: expired.cpuMs }).to.deep.equal({
      name: 'EventAgeExceeded',
      expired: true,
      cpuMs: undefined,
    });
    for (const [outcome, tag] of [
      [await running, 'running'],
      [await inTime, 'in-time'],
    ] as const)
      expect(outcome.ok && outcome.result).to.equal(tag);
  });

  it('fails an invocation whose container exits mid-way (process.exit) at once, as Lambda’s Runtime.ExitError, and serves the next in a fresh container', async () => {
    // The function's timeout is 30 s, past this test's: only the exit can end the invocation in time.
    const died = await fn.invoke({ tag: 'dies', exitCode: 3 });
    expect(died.ok).to.equal(false);
    expect(!died.ok && died.error).to.deep.equal({ name: 'Runtime.ExitError', message: 'Runtime exited with error: exit status 3' });
    const next = await fn.invoke({ tag: 'next' });
    expect(next.ok && next.result).to.equal('next');
  });

  it('reports the CPU its container thread spent, not the time it waited', async () => {
    const busy = await fn.invoke({ tag: 'busy', cpuMs: 60 });
    const idle = await fn.invoke({ tag: 'idle', waitMs: 200 });
    expect(busy.cpuMs).to.be.at.least(60);
    expect(idle.ms).to.be.at.least(200);
    expect(idle.cpuMs).to.be.below(busy.cpuMs!);
    expect(idle.cpuMs).to.be.below(50);
  });

  it('configure() gives later invocations fresh containers with the new environment', async () => {
    writeFileSync(join(dir, 'env.mjs'), 'export const handler = async () => process.env.SETTING ?? "none";');
    const spec: FunctionSpec = { logicalId: 'Env', codeDir: dir, handler: 'env.handler', timeout: 30, memorySize: 128, environment: {}, buildProperties: {} };
    const envFn = new LocalFunction(
      spec,
      { logicalId: 'Env', file: join(dir, 'env.mjs'), exportName: 'handler', bytes: 0, inputs: [], outputs: [] },
      { SETTING: 'a' },
      () => {},
      1,
    );
    try {
      const first = await envFn.invoke({});
      envFn.configure({ ...envFn.environment, SETTING: 'b' });
      const second = await envFn.invoke({});
      expect([first.ok && first.result, second.ok && second.result]).to.deep.equal(['a', 'b']);
    } finally {
      await envFn.close();
    }
  });
});
