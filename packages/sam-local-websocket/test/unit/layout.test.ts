/**
 * The twin's layout, checked on every file: its parts import only the parts below them (no
 * back-edges), nothing outside src/ (the twin knows no app), and only packages it depends on;
 * no module holds mutable state; no file is longer than 300 lines; no two modules export the
 * same name.
 */
import { expect } from 'chai';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');

/**
 * What each part of src/ may import, besides itself: the parts below it. A part missing here
 * fails the test (a new part must be placed).
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  errors: [],
  shared: ['errors'],
  template: ['shared', 'errors'],
  iam: ['template', 'shared', 'errors'],
  dynamodb: ['iam', 'template', 'shared', 'errors'],
  lambda: ['iam', 'template', 'shared', 'errors'],
  'identity-provider': ['shared', 'errors'],
  page: ['shared', 'errors'],
  'api-gateway': ['lambda', 'iam', 'template', 'shared', 'errors'],
  stack: ['api-gateway', 'lambda', 'dynamodb', 'iam', 'identity-provider', 'page', 'template', 'shared', 'errors'],
  cli: ['stack', 'api-gateway', 'lambda', 'dynamodb', 'iam', 'identity-provider', 'page', 'template', 'shared', 'errors'],
  testing: ['stack', 'api-gateway', 'lambda', 'dynamodb', 'iam', 'identity-provider', 'template', 'shared', 'errors'],
  index: ['cli', 'stack', 'api-gateway', 'lambda', 'dynamodb', 'iam', 'identity-provider', 'page', 'template', 'shared', 'errors'],
};

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return /\.(ts|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every import specifier of a text: static, dynamic, re-exports, JSDoc `import()` types and `new URL` of a module. */
export function specifiersOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)['"]([^'"]+)['"]/g)].map((match) => match[1]);
}

/** The part of src/ a path (relative to src/) is in: its first folder, or the file itself without its extension. */
const partOf = (path: string): string => path.split('/')[0].replace(/\.(ts|js|mjs)$/, '');

/** The imports of a file that break the layering, as `file → target`. */
export function layerBreaks(file: string, specifiers: string[]): string[] {
  const from = partOf(file);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => normalize(join(dirname(file), specifier)))
    .filter((target) => {
      const to = partOf(target);
      return target.startsWith('..') || (to !== from && !(MAY_IMPORT[from] ?? []).includes(to));
    })
    .map((target) => `${file} → ${target}`);
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

const files = sourcesUnder(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));

describe('the twin’s layout', () => {
  it('finds the breaks it is meant to find', () => {
    expect(layerBreaks('lambda/functions.ts', ['../iam/authority.js'])).to.deep.equal([]);
    expect(layerBreaks('iam/guard.ts', ['../api-gateway/constants.js'])).to.deep.equal(['iam/guard.ts → api-gateway/constants.js']);
    expect(layerBreaks('lambda/invoker.ts', ['../stack/gateway.js'])).to.have.length(1);
    expect(layerBreaks('stack/gateway.ts', ['../../../../functions/shared/x.js'])).to.have.length(1);
    expect(specifiersOf("/** @type {import('./a.js').B} */\nconst w = new URL('./worker.mjs', import.meta.url);\nexport { x } from '../y.js';")).to.deep.equal([
      './a.js',
      './worker.mjs',
      '../y.js',
    ]);
    expect(
      moduleState('let last;\nconst cache = new Map<string, number>();\nconst KNOWN: ReadonlySet<string> = new Set([]);\n  let inner = 1;'),
    ).to.have.length(2);
  });

  it('places every part of src/', () => {
    const parts = [...new Set(files.map((file) => partOf(file.path)))].sort();
    expect(parts).to.deep.equal(Object.keys(MAY_IMPORT).sort());
  });

  it('has no back-edge: each part imports only the parts below it, and nothing outside src/', () => {
    expect(files.length).to.be.greaterThan(50);
    expect(files.flatMap((file) => layerBreaks(file.path, specifiersOf(file.text)))).to.deep.equal([]);
  });

  it('imports only Node.js itself and the packages it depends on (what an installed copy has)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const packageOf = (specifier: string) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
    const foreign = files.flatMap((file) =>
      specifiersOf(file.text)
        .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !builtinModules.includes(specifier))
        .filter((specifier) => !(packageOf(specifier) in pkg.dependencies) && !(`@types/${packageOf(specifier)}` in pkg.dependencies))
        .map((specifier) => `${file.path}: ${specifier}`),
    );
    expect(foreign).to.deep.equal([]);
  });

  it('holds no module-level mutable state (each gateway keeps its own)', () => {
    expect(files.flatMap((file) => moduleState(file.text).map((line) => `${file.path}: ${line.trim()}`))).to.deep.equal([]);
  });

  it('has no source file longer than 300 lines', () => {
    const long = files.map((file) => ({ file: file.path, lines: file.text.split('\n').length - 1 })).filter(({ lines }) => lines > 300);
    expect(long).to.deep.equal([]);
  });

  it('gives each exported name one meaning: no two modules export the same name', () => {
    const exporters = new Map<string, string[]>();
    for (const file of files.filter((candidate) => candidate.path !== 'index.ts')) {
      for (const [, name] of file.text.matchAll(/^export (?:declare )?(?:async )?(?:const|let|function\*?|class|interface|type|enum|abstract class) (\w+)/gm)) {
        exporters.set(name, [...(exporters.get(name) ?? []), file.path]);
      }
    }
    expect([...exporters].filter(([, paths]) => paths.length > 1)).to.deep.equal([]);
  });
});
