/**
 * dynalite's expression parsers, made linear. They are PEG.js 0.10 parsers generated without
 * PEG.js's result cache, so alternatives that share a prefix re-parse it: `(a = :v AND (… ))`
 * ten deep took 21 s, `((((a)))) = :v` twenty deep minutes, all on the engine's thread. Here each
 * generated source gets the cache PEG.js itself emits with `cache: true` (one result per rule and
 * position, "packrat" parsing; here also per silent or reporting mode, so that syntax errors
 * list what was expected exactly as before), and the engine's `require` finds these copies
 * first. The grammar, its actions and its messages are dynalite's own; only repeated work is gone.
 */
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';

/** The generated parsers dynalite's validations load. */
export const DYNALITE_PARSERS = ['conditionParser', 'projectionParser', 'updateParser'] as const;

const RULE_START = /^ {2}function (peg\$parse\w+)\(\) \{\n( {4}var [^;\n]+;\n)/gm;
const RULE_END = /\n {4}return s0;\n {2}\}\n/g;
const PARSE_START = /^function peg\$parse\(input, options\) \{\n/m;

/**
 * A generated PEG.js 0.10 parser's source with PEG.js's result cache added to every rule.
 * Throws if the source does not have the shape this expects (a dynalite that is not 4.0.0).
 */
export function memoizedParserSource(source: string): string {
  let rules = 0;
  let ends = 0;
  const cached = source
    .replace(PARSE_START, (start) => `${start}  var peg$resultsCache = new Map();\n`)
    .replace(RULE_START, (_all, name: string, declarations: string) => {
      const id = rules++;
      return (
        `  function ${name}() {\n${declarations}` +
        `    var peg$key = (peg$currPos * peg$RULES + ${id}) * 2 + (peg$silentFails > 0 ? 1 : 0), peg$cached = peg$resultsCache.get(peg$key);\n` +
        `    if (peg$cached !== undefined) { peg$currPos = peg$cached.nextPos; return peg$cached.result; }\n`
      );
    })
    .replace(RULE_END, () => {
      ends++;
      return '\n    peg$resultsCache.set(peg$key, { nextPos: peg$currPos, result: s0 });\n    return s0;\n  }\n';
    });
  if (rules === 0 || rules !== ends || !cached.includes('var peg$resultsCache')) {
    throw new Error(`not a PEG.js 0.10 parser this can cache (${rules} rules, ${ends} ends)`);
  }
  return `var peg$RULES = ${rules};\n${cached}`;
}

/**
 * Puts the cached parsers in this thread's CommonJS module cache, where dynalite's validations
 * will find them. Call it before anything loads `dynalite/validations` (the engine's worker
 * does so first); it changes only the thread it runs on.
 */
export function installMemoizedParsers(): void {
  const require = createRequire(import.meta.url);
  const dynaliteDir = dirname(require.resolve('dynalite/package.json'));
  for (const name of DYNALITE_PARSERS) {
    const filename = `${dynaliteDir}/db/${name}.js`;
    const parser = new Module(filename) as Module & { _compile(source: string, filename: string): void };
    parser.filename = filename;
    parser._compile(memoizedParserSource(readFileSync(filename, 'utf8')), filename);
    parser.loaded = true;
    require.cache[filename] = parser;
  }
}
