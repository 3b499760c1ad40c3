/**
 * The repository's boundaries, checked on every import so the shape stays: the Lambda code
 * (functions/) imports nothing from outside functions/ (not the twin, the scripts or the tests),
 * and a handler never imports another handler; the scripts and tests reach the twin
 * (packages/sam-local-websocket) only through its public entry, `sam-local-websocket`; the
 * handlers' shared modules hold no module-level mutable state (a handler's own app.ts, the
 * container's composition root, creates what lives for the container); no file of functions/
 * or scripts/ is longer than 300 lines. (The twin checks its own layout: its test/unit/layout.test.ts.)
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { API_GATEWAY_LIMITS as TWIN_LIMITS } from 'sam-local-websocket';
import { API_GATEWAY_LIMITS } from '../../functions/shared/constants.js';

const TWIN = 'sam-local-websocket';
/** The twin's public subpath entries, as its package.json exports them (e.g. `sam-local-websocket/testing`). */
const TWIN_ENTRIES = new Set(
  Object.keys((JSON.parse(readFileSync('packages/sam-local-websocket/package.json', 'utf8')) as { exports: Record<string, unknown> }).exports)
    .filter((key) => key !== '.' && !key.endsWith('.json'))
    .map((key) => `${TWIN}/${key.slice(2)}`),
);

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return /\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every import specifier of a file (static, dynamic, re-exports and `new URL` of a module). */
export function specifiersOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)['"]([^'"]+)['"]/g)].map((match) => match[1]);
}

/** The imports of a file (a path from the root) that cross a boundary, as `file → target`. */
export function crossings(file: string, specifiers: string[]): string[] {
  const top = (path: string) => path.split('/')[0];
  const handlerOf = (path: string) => /^functions\/([^/]+)\//.exec(path)?.[1];
  return specifiers
    .filter((specifier) => {
      const relativeTarget = specifier.startsWith('.') ? normalize(join(dirname(file), specifier)) : undefined;
      if (top(file) === 'functions') {
        if (relativeTarget === undefined) return specifier === TWIN || specifier.startsWith(`${TWIN}/`);
        if (top(relativeTarget) !== 'functions') return true;
        const [from, to] = [handlerOf(file), handlerOf(relativeTarget)];
        return from !== 'shared' && to !== 'shared' && from !== to;
      }
      // Anything else (scripts, tests, web): the twin through its entry only.
      if (relativeTarget !== undefined) return relativeTarget.startsWith('packages/sam-local-websocket/');
      return specifier.startsWith(`${TWIN}/`) && !TWIN_ENTRIES.has(specifier);
    })
    .map((specifier) => `${file} → ${specifier}`);
}

/** Module-level declarations that hold mutable state: `let`/`var`, or a Map, Set or Weak* not typed read-only. */
export function moduleState(text: string): string[] {
  return text
    .split('\n')
    .filter(
      (line) =>
        /^(export )?(let|var) /.test(line) ||
        (/^(export )?const \w+(: [^=]+)? = new (Map|Set|WeakMap|WeakSet)\b/.test(line) && !/: Readonly(Map|Set)</.test(line)),
    );
}

const read = (file: string) => readFileSync(file, 'utf8');

describe('layout boundaries', () => {
  it('finds the crossings it is meant to find', () => {
    expect(crossings('functions/broadcast/app.ts', specifiersOf("import { x } from 'sam-local-websocket';"))).to.have.length(1);
    expect(
      crossings('functions/broadcast/app.ts', specifiersOf("import { x } from '../../packages/sam-local-websocket/src/stack/gateway.js';")),
    ).to.have.length(1);
    expect(crossings('functions/broadcast/app.ts', specifiersOf("import { x } from '../connect/app.js';"))).to.have.length(1);
    expect(crossings('functions/shared/a.ts', specifiersOf("export { x } from '../../tests/helpers/x.js';"))).to.have.length(1);
    expect(crossings('tests/unit/a.test.ts', specifiersOf("const m = await import('../../packages/sam-local-websocket/src/errors.js');"))).to.have.length(1);
    expect(crossings('scripts/a.ts', specifiersOf("import { x } from 'sam-local-websocket/src/stack/gateway.js';"))).to.have.length(1);
    expect(crossings('tests/helpers/a.ts', specifiersOf("import { x } from 'sam-local-websocket/testing';"))).to.deep.equal([]);
    expect(crossings('functions/broadcast/app.ts', specifiersOf("import { x } from '../shared/x.js';"))).to.deep.equal([]);
    expect(crossings('scripts/bench.ts', specifiersOf("import { startGateway } from 'sam-local-websocket';"))).to.deep.equal([]);
    expect(
      moduleState('let last;\nconst cache = new Map<string, number>();\nconst KNOWN: ReadonlySet<string> = new Set([]);\n  let inner = 1;'),
    ).to.have.length(2);
  });

  it('holds: functions/ ↛ the twin, scripts/, tests/; a handler ↛ another handler; scripts/ and tests/ → the twin only through sam-local-websocket', () => {
    // This file's own examples above are strings, not imports.
    const files = ['functions', 'scripts', 'tests', 'web'].flatMap(sourcesUnder).filter((file) => file !== 'tests/unit/boundaries.test.ts');
    expect(files.length).to.be.greaterThan(80);
    expect(files.flatMap((file) => crossings(file, specifiersOf(read(file))))).to.deep.equal([]);
  });

  it('keeps the template test independent of the evaluator it checks: tests/unit/template.test.ts ↛ the twin', () => {
    const specifiers = specifiersOf(read('tests/unit/template.test.ts'));
    expect(specifiers).to.not.be.empty;
    expect(
      specifiers.filter((specifier) => specifier.startsWith(TWIN)),
      'an evaluator bug could then pass the template test',
    ).to.deep.equal([]);
  });

  it('keeps the limits the handlers share with the gateway equal to the gateway’s', () => {
    expect(API_GATEWAY_LIMITS.maxConnectionSeconds).to.equal(TWIN_LIMITS.maxConnectionSeconds);
    expect(API_GATEWAY_LIMITS.maxPayloadBytes).to.equal(TWIN_LIMITS.maxPayloadBytes);
  });
});
