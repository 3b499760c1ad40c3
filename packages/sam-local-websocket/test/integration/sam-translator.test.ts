/**
 * The twin expands `AWS::Serverless::WebSocketApi` as SAM's own translator does: for each
 * compatibility template that uses it, every resource the twin generates equals, id for id, the
 * one aws-sam-translator generates (../shared/sam-tools, or SAM_TOOLS), and nothing SAM generates
 * for the API is missing. Where the tools are not present the comparison is skipped (CI has them).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlParse } from 'yaml-cfn';
import type { Template } from '../../src/template/template.js';
import { expandWebSocketApis, WEBSOCKET_API_TYPE } from '../../src/template/sam-websocket-api.js';

const COMPAT_DIR = fileURLToPath(new URL('../fixtures/compat', import.meta.url));
const TRANSLATE = fileURLToPath(new URL('../sam/translate.py', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const tools = process.env.SAM_TOOLS ? resolve(process.env.SAM_TOOLS) : resolve(REPO_ROOT, '..', 'shared', 'sam-tools');

/** Every compatibility template that declares an AWS::Serverless::WebSocketApi. */
const templates = readdirSync(COMPAT_DIR)
  .map((name) => join(COMPAT_DIR, name, 'template.yaml'))
  .filter((path) => existsSync(path) && readFileSync(path, 'utf8').includes(WEBSOCKET_API_TYPE));

function translate(path: string, parameters: Record<string, string>): Template {
  const args = ['-P', TRANSLATE, path, ...Object.entries(parameters).map(([name, value]) => `${name}=${value}`)];
  const result = spawnSync('/usr/bin/python3', args, {
    env: { ...process.env, PYTHONPATH: join(tools, 'src'), AWS_DEFAULT_REGION: 'us-east-1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`SAM's translator refused ${path}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Template;
}

describe("AWS::Serverless::WebSocketApi: the twin's expansion against SAM's translator", function () {
  this.timeout(60_000);
  before(function () {
    if (!existsSync(join(tools, 'src', 'samtranslator'))) this.skip();
  });

  it('has compatibility templates to compare', () => {
    expect(templates.length).to.be.at.least(2);
  });

  for (const path of templates) {
    it(`${path.split('/').at(-2)}: the same resources, ids and properties`, () => {
      const template = yamlParse(readFileSync(path, 'utf8')) as Template;
      const translated = translate(path, {});
      const sam = translated.Resources;
      const twin = expandWebSocketApis(template).Resources;
      const generated = Object.keys(twin).filter((id) => !(id in template.Resources) || template.Resources[id].Type === WEBSOCKET_API_TYPE);
      expect(generated.length).to.be.greaterThan(3);
      for (const id of generated) expect(twin[id], id).to.deep.equal(sam[id]);
      // Everything SAM made for the API (not for the functions) the twin made too.
      const samApiIds = Object.keys(sam).filter(
        (id) => !(id in template.Resources) && /^AWS::(ApiGatewayV2|Lambda::Permission)/.test(sam[id].Type) && !/Function/.test(id),
      );
      expect(generated).to.include.members(samApiIds);
      // SAM's referable properties (`Api.Stage`) resolved where the template uses them.
      expect(expandWebSocketApis(template).Outputs ?? {}).to.deep.equal(translated.Outputs ?? {});
      for (const id of Object.keys(template.Resources).filter((key) => template.Resources[key].Type === 'AWS::Serverless::Function')) {
        expect(twin[id].Properties?.Environment, `${id}'s environment`).to.deep.equal(sam[id].Properties?.Environment);
      }
    });
  }
});
