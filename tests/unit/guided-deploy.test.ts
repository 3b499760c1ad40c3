/**
 * docs/deploy.md's `sam deploy --guided` table and outputs table are template.yaml's: every
 * parameter in the template's order with the default the SAM CLI shows (`str(Default)`, empty as
 * `[]`; a NoEcho parameter is asked with no default: `Parameter X:`), and every output, a
 * conditional one saying which parameter brings it. SAM CLI: commands/deploy/guided_context.py
 * prompt_parameters. (The tables are generated from the template by npm run docs:figures; this
 * reads them as a user does and checks them against the template independently of that code.)
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { yamlParse } from 'yaml-cfn';

const template = yamlParse(readFileSync('template.yaml', 'utf8')) as {
  Parameters: Record<string, { Default?: unknown; NoEcho?: boolean }>;
  Conditions: Record<string, unknown>;
  Outputs: Record<string, { Condition?: string }>;
};
const readme = readFileSync('docs/deploy.md', 'utf8');

/** The rows of the Markdown table that follows `heading`, as cells (first column unwrapped of backticks). */
function tableAfter(heading: string): string[][] {
  const at = readme.indexOf(heading);
  expect(at, heading).to.be.greaterThan(-1);
  const lines = readme.slice(at).split('\n');
  const first = lines.findIndex((line) => line.startsWith('| '));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('| ')) break;
    rows.push(line.slice(2, -2).split(' | '));
  }
  return rows;
}

/** The parameters a condition reads, through the conditions it names. */
function parametersOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(parametersOf);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if (key === 'Ref' && typeof value === 'string' && value in template.Parameters) return [value];
    if (key === 'Condition' && typeof value === 'string') return parametersOf(template.Conditions[value]);
    return parametersOf(value);
  });
}

describe('docs/deploy.md: sam deploy --guided', () => {
  const prompts = tableAfter('## What `sam deploy --guided` asks');
  const parameterRows = prompts.filter(([prompt]) => prompt.startsWith('`Parameter '));

  it('asks for every parameter of template.yaml, in its order, with the default SAM shows', () => {
    const shown = parameterRows.map(([prompt]) => prompt.replace(/^`|`$/g, ''));
    const expected = Object.entries(template.Parameters).map(([name, parameter]) =>
      parameter.NoEcho ? `Parameter ${name}:` : `Parameter ${name} [${String(parameter.Default ?? '')}]`,
    );
    expect(shown).to.deep.equal(expected);
  });

  it('says a prompt with a default (even an empty one) takes Enter: “cannot be left empty” only of a hidden one', () => {
    for (const [prompt, ...what] of parameterRows) {
      const name = /^`Parameter (\w+)/.exec(prompt)![1];
      if (template.Parameters[name].NoEcho) continue;
      expect(what.join(' | '), name).to.not.match(/cannot be left empty|does not accept an empty|asks again on an empty/i);
    }
    expect(readme).to.not.include('cannot be left empty');
  });

  it('lists every output of template.yaml, in its order, a conditional one with the parameter that brings it', () => {
    const rows = tableAfter("The stack's outputs give you what comes next");
    expect(rows.map(([output]) => output.replace(/^`|`$/g, ''))).to.deep.equal(Object.keys(template.Outputs));
    for (const [output, ...rest] of rows) {
      const use = rest.join(' | ');
      const condition = template.Outputs[output.replace(/^`|`$/g, '')].Condition;
      if (!condition) continue;
      const parameters = parametersOf(template.Conditions[condition]);
      expect(parameters, condition).to.have.length.greaterThan(0);
      expect(
        parameters.some((parameter) => use.includes(`\`${parameter}\``)),
        `${output} names ${parameters.join(' or ')}`,
      ).to.equal(true);
    }
  });
});
