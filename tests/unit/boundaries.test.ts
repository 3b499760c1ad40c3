/**
 * The layout's boundaries, checked on every import so the shape stays: the Lambda code
 * (functions/) imports nothing from the local gateway, the scripts, the tooling or the
 * tests; a handler never imports another handler; nothing under local/ imports functions/.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return /\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import of a file (static, dynamic, re-exports and `new URL` of a module), as a path from the root. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]);
  return specifiers.map((specifier) => normalize(join(dirname(file), specifier)));
}

/** The import that crosses a boundary, as `file → target`, or none. */
export function crossings(file: string, imports: string[]): string[] {
  const top = (path: string) => (path.startsWith('packages/sam-local-websocket/') ? 'twin' : path.split('/')[0]);
  const handlerOf = (path: string) => /^functions\/([^/]+)\//.exec(path)?.[1];
  return imports
    .filter((target) => {
      if (top(file) === 'functions') {
        if (top(target) !== 'functions') return true;
        const [from, to] = [handlerOf(file), handlerOf(target)];
        return from !== 'shared' && to !== 'shared' && from !== to;
      }
      if (top(file) === 'twin') return top(target) === 'functions' || top(target) === 'tests' || top(target) === 'scripts';
      return false;
    })
    .map((target) => `${file} → ${target}`);
}

describe('layout boundaries', () => {
  it('finds the crossings it is meant to find', () => {
    expect(crossings('functions/broadcast/app.ts', importsOf('functions/broadcast/app.ts', "import { x } from '../../packages/sam-local-websocket/src/stack/gateway.js';"))).to.have.length(1);
    expect(crossings('functions/broadcast/app.ts', importsOf('functions/broadcast/app.ts', "import { x } from '../connect/app.js';"))).to.have.length(1);
    expect(crossings('functions/shared/a.ts', importsOf('functions/shared/a.ts', "export { x } from '../../tests/helpers/x.js';"))).to.have.length(1);
    expect(crossings('packages/sam-local-websocket/src/a/b.ts', importsOf('packages/sam-local-websocket/src/a/b.ts', "const m = await import('../../../../functions/shared/x.js');"))).to.have.length(1);
    expect(crossings('functions/broadcast/app.ts', importsOf('functions/broadcast/app.ts', "import { x } from '../shared/x.js';"))).to.deep.equal([]);
    expect(crossings('packages/sam-local-websocket/src/stack/gateway.ts', importsOf('packages/sam-local-websocket/src/stack/gateway.ts', "import { x } from '../template/template.js';"))).to.deep.equal([]);
  });

  it('holds: functions/ ↛ local/, scripts/, tests/, tooling/; a handler ↛ another handler; local/ and tooling/ ↛ functions/', () => {
    const files = ['functions', 'packages/sam-local-websocket/src'].flatMap(sourcesUnder);
    expect(files.length).to.be.greaterThan(20);
    const found = files.flatMap((file) => crossings(relative('.', file), importsOf(relative('.', file))));
    expect(found).to.deep.equal([]);
  });

  it('keeps the template test independent of the evaluator it checks: tests/unit/template.test.ts ↛ tooling/, local/', () => {
    const file = 'tests/unit/template.test.ts';
    const found = importsOf(file).filter((target) => target.startsWith('packages/'));
    expect(importsOf(file)).to.not.be.empty;
    expect(found, 'an evaluator bug could then pass the template test').to.deep.equal([]);
  });

  it('keeps the limits the handlers share with the gateway equal to the gateway’s', async () => {
    const handlers = await import('../../functions/shared/constants.js');
    const gateway = await import('../../packages/sam-local-websocket/src/api-gateway/constants.js');
    expect(handlers.API_GATEWAY_LIMITS.maxConnectionSeconds).to.equal(gateway.API_GATEWAY_LIMITS.maxConnectionSeconds);
    expect(handlers.API_GATEWAY_LIMITS.maxPayloadBytes).to.equal(gateway.API_GATEWAY_LIMITS.maxPayloadBytes);
  });
});
