/** Events cross into a container as JSON text (issue 32 item 1): any depth, and never a throw out of postMessage. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventJson, UNSERIALIZABLE_EVENT } from '../../../src/lambda/event-json.js';
import { LocalFunction } from '../../../src/lambda/invoker.js';
import type { FunctionSpec } from '../../../src/template/template.js';

describe('local/lambda/event-json', () => {
  it('writes an event as JSON, keeps JSON text given as it is, and fails (never throws) for what JSON cannot hold', () => {
    expect(eventJson({ a: [1, undefined] })).to.equal('{"a":[1,null]}');
    expect(eventJson(undefined)).to.equal('null');
    expect(eventJson('ignored', '[[[1]]]')).to.equal('[[[1]]]');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(eventJson(circular)).to.include({ name: UNSERIALIZABLE_EVENT });
    expect(eventJson({ n: 1n })).to.include({ name: UNSERIALIZABLE_EVENT });
  });

  describe('through a container', () => {
    let dir: string;
    let fn: LocalFunction;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'event-json-'));
      writeFileSync(
        join(dir, 'app.mjs'),
        'export const handler = async (event) => { let d = 0; let v = event; while (Array.isArray(v)) { d++; v = v[0]; } return d; };',
      );
      const spec: FunctionSpec = { logicalId: 'Fn', codeDir: dir, handler: 'app.handler', timeout: 30, memorySize: 128, environment: {}, buildProperties: {} };
      fn = new LocalFunction(
        spec,
        { logicalId: 'Fn', file: join(dir, 'app.mjs'), exportName: 'handler', bytes: 0, inputs: [], outputs: [] },
        { PATH: process.env.PATH ?? '' },
        () => {},
        1,
      );
    });
    after(async () => {
      await fn.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('passes 100,000 nested arrays given as JSON text, twice in a row', async () => {
      const json = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
      for (let i = 0; i < 2; i++) expect(await fn.invoke(undefined, { json })).to.deep.include({ ok: true, result: 100_000 });
    });

    it('fails an event object that cannot cross (10,000 levels deep, circular) as an invocation error, and the container serves the next', async () => {
      let deep: unknown = 1;
      for (let i = 0; i < 10_000; i++) deep = [deep];
      const circular: unknown[] = [];
      circular.push(circular);
      for (const event of [deep, circular])
        expect(await fn.invoke(event))
          .to.deep.include({ ok: false })
          .and.nested.include({ 'error.name': UNSERIALIZABLE_EVENT });
      expect(await fn.invoke([[1]])).to.deep.include({ ok: true, result: 2 });
    });
  });
});
