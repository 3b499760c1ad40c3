/**
 * dynalite's parsers with PEG.js's result cache (src/dynamodb/engine/packrat.ts): the same
 * answers as dynalite's own on every expression shape here, in linear time.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { runInNewContext } from 'node:vm';
import { DYNALITE_PARSERS, memoizedParserSource } from '../../../src/dynamodb/engine/packrat.js';

const require = createRequire(import.meta.url);
const dir = dirname(require.resolve('dynalite/package.json'));
type Parser = { parse(input: string, options: object): unknown };

/** A parser module evaluated from its source, apart from any module cache. */
function load(source: string): Parser {
  const module = { exports: {} as Parser };
  runInNewContext(`(function (module, exports) {${source}\n})`, {})(module, module.exports);
  return module.exports;
}
const sourceOf = (name: string) => readFileSync(`${dir}/db/${name}.js`, 'utf8');

const RESERVED = new Set(['name', 'size', 'count']);
const context = () => ({
  attrNames: { '#a': 'a', '#n': 'name', '#s': 'size' },
  attrVals: { ':v': { S: 'x' }, ':n': { N: '1' }, ':l': { L: [] } },
  unusedAttrNames: { '#a': true, '#n': true, '#s': true },
  unusedAttrVals: { ':v': true, ':n': true, ':l': true },
  isReserved: (name: string) => RESERVED.has(name.toLowerCase()),
  compare: () => null,
});
/** What a parse gives: its result, or its error's name and message (as dynalite's validations read them). */
function outcome(parser: Parser, input: string) {
  const ctx = context();
  try {
    return JSON.stringify([parser.parse(input, { context: ctx }), ctx.unusedAttrNames, ctx.unusedAttrVals]);
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const nest = (depth: number, open: string, inner: string, close = ')') => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
const CONDITIONS = [
  'a = :v',
  '#a = :v AND b <> :n OR NOT c < :n',
  '(a = :v)',
  '((a = :v))',
  '(a) = :v',
  '((a)) = :v',
  'a.b[1].c = :v',
  '#a.#n[0] = :v',
  'name = :v',
  '#n = :v',
  'attribute_exists(a) AND attribute_not_exists(#a.b)',
  'begins_with(a, :v) OR contains(a, :v)',
  'size(a) > :n',
  'size(size(a)) > :n',
  'a BETWEEN :n AND :n',
  'a IN (:v, :n, :v)',
  'a IN ((:v))',
  'attribute_type(a, :v)',
  'NOT NOT a = :v',
  'a = :undefined',
  '#b = :v',
  'a = ',
  '= :v',
  'a = :v AND',
  '(a = :v',
  'a = :v)',
  'unknown_fn(a)',
  'a.b.c.d = :l',
  nest(6, '(a = :v AND ', 'b = :v'),
  nest(6, 'NOT (', 'a = :v'),
  nest(6, '(', 'a = :v'),
  `${nest(5, '(', 'a')} = :v`,
  nest(4, '(a = :v OR (', 'b = :v', '))'),
];
const PROJECTIONS = ['a', 'a, b.c[1], #a', '#n', 'name', 'a,', '', '(a)', 'a[1][2].b', 'a, a'];
const UPDATES = [
  'SET a = :v',
  'SET a = :v, b = a + :n REMOVE c ADD d :n DELETE e :l',
  'SET a = if_not_exists(a, :n) + :n',
  'SET a = list_append(a, :l)',
  'SET a = (a + :n)',
  'SET a = ((a + :n))',
  'SET #n = :v',
  'SET name = :v',
  'SET a = :v SET b = :v',
  'SET a = b + c - d + :n',
  'SET a[1].b = :v',
  'SET',
  'REMOVE a, b',
  'SET a = :v, a = :n',
  'SET a = ((((a + :n))))',
  'SET a = (a + (a + (a + (a + :n))))',
];

describe('local/store/packrat: dynalite’s parsers, cached', () => {
  it('caches every rule of each parser, and refuses a source of another shape', () => {
    for (const name of DYNALITE_PARSERS) expect(memoizedParserSource(sourceOf(name))).to.match(/^var peg\$RULES = \d+;/);
    expect(() => memoizedParserSource('module.exports = {}')).to.throw(/not a PEG\.js 0\.10 parser/);
  });

  for (const [name, inputs] of [
    ['conditionParser', CONDITIONS],
    ['projectionParser', PROJECTIONS],
    ['updateParser', UPDATES],
  ] as const) {
    it(`${name}: answers exactly as dynalite’s own, on ${inputs.length} expressions (valid and not)`, () => {
      const original = load(sourceOf(name));
      const cached = load(memoizedParserSource(sourceOf(name)));
      for (const input of inputs) expect(outcome(cached, input), input).to.equal(outcome(original, input));
    });
  }

  it('parses 200 nested groups (exponential time without the cache: 10 took 21 s) in linear time', () => {
    const cached = load(memoizedParserSource(sourceOf('conditionParser')));
    const answer = outcome(cached, nest(200, '(a = :v AND ', 'b = :v'));
    expect(answer).to.match(/^\[\{"expression":\{"type":"and"/);
  });
});
