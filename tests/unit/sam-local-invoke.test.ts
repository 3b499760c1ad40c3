/**
 * docs/deploy.md's `sam local invoke` recipe as written: SAM overrides only the variables a function
 * declares (its Environment.Variables and Globals) and ignores any other name in the --env-vars
 * file without a word, so every variable of the recipe's file must be declared for the function
 * the recipe invokes, or the recipe silently talks to AWS instead of the local gateway.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { envVarOverrides, envVarsFile, functionsOf, loadTemplate } from 'sam-local-websocket';

const readme = readFileSync('docs/deploy.md', 'utf8');
const { template, baseDir } = loadTemplate('template.yaml');
// Every function of the template, whatever its Condition: a recipe may name any of them.
const functions = new Map(functionsOf(template, baseDir).map((fn) => [fn.logicalId, fn]));

/** Each `sam local invoke FUNCTION ... --env-vars FILE` command in docs/deploy.md. */
const recipes = [...readme.matchAll(/^sam local invoke (\w+)\b(.*)$/gm)]
  .map(([, functionName, rest]) => ({ functionName, envVars: /--env-vars (\S+)/.exec(rest)?.[1], event: /-e (\S+)/.exec(rest)?.[1] }))
  .filter((recipe) => recipe.envVars !== undefined) as { functionName: string; envVars: string; event?: string }[];

describe('docs/deploy.md’s sam local invoke recipe', () => {
  it('is there, with its --env-vars file in the repository', () => {
    expect(recipes.map((recipe) => recipe.envVars)).to.include('env.json');
    for (const recipe of recipes) expect(existsSync(recipe.envVars), recipe.envVars).to.equal(true);
  });

  it('shows env.json as it is', () => {
    const shown = /```json\n(\{\n {2}"Parameters"[\s\S]*?)```/.exec(readme)?.[1];
    expect(JSON.parse(shown ?? 'null')).to.deep.equal(JSON.parse(readFileSync('env.json', 'utf8')));
  });

  for (const recipe of recipes) {
    it(`${recipe.functionName} --env-vars ${recipe.envVars}: every variable is declared for that function, so SAM applies it`, () => {
      const fn = functions.get(recipe.functionName);
      expect(fn, `${recipe.functionName} in template.yaml`).to.not.equal(undefined);
      if (recipe.event) expect(existsSync(recipe.event), recipe.event).to.equal(true);
      const envVars = envVarsFile(recipe.envVars)!;
      const requested = Object.keys({ ...envVars.Parameters, ...envVars[recipe.functionName] });
      expect(requested).to.have.length.greaterThan(0);
      const undeclared = requested.filter((name) => !(name in fn!.environment));
      expect(undeclared, 'variables SAM would ignore').to.deep.equal([]);
    });
  }

  it('its Parameters reach every function of the template: sam local invoke of any of them applies the file', () => {
    const envVars = envVarsFile('env.json')!;
    for (const fn of functions.values()) expect(envVarOverrides(fn, envVars).ignored, fn.logicalId).to.deep.equal([]);
  });
});

describe('--env-vars as the local commands apply it (as SAM does)', () => {
  const broadcast = functions.get('BroadcastFunction')!;

  it('overrides declared variables only, the function’s own section over Parameters, and names the rest', () => {
    const { applied, ignored } = envVarOverrides(broadcast, {
      Parameters: { TABLE_NAME: 'from-parameters', NOT_DECLARED: 'x' },
      BroadcastFunction: { TABLE_NAME: 'from-section', BROADCAST_CONCURRENCY: '7', ALSO_NOT: 'y' },
      ConnectFunction: { BROADCAST_INCLUDE_SENDER: 'true' },
    });
    expect(applied).to.deep.equal({ TABLE_NAME: 'from-section', BROADCAST_CONCURRENCY: '7' });
    expect(ignored).to.deep.equal(['NOT_DECLARED', 'ALSO_NOT']);
  });
});
