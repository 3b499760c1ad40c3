import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLayerCommonJs, layerParentOf, layerPathOf } from '../../../src/lambda/layer-hooks.mjs';
import type { Template } from '../../../src/template/template.js';
import { layersOf } from '../../../src/template/layers.js';

describe('layers', () => {
  let root: string;
  let first: string;
  let second: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'layers-'));
    [first, second] = ['first', 'second'].map((name) => join(root, name));
    for (const [dir, files] of [
      [
        first,
        {
          'nodejs/a.js': '',
          'nodejs/both.js': '',
          'nodejs/node_modules/pkg/package.json': '{}',
          'nodejs/typed/package.json': '{"type":"module"}',
          'nodejs/typed/x.js': '',
        },
      ],
      [second, { 'nodejs/both.js': '', 'nodejs/node24/node_modules/pkg/package.json': '{}' }],
    ] as const) {
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('maps an /opt path to the last layer that has it, with or without its extension', () => {
    expect(layerPathOf([first, second], '/opt/nodejs/both.js')).to.equal(join(second, 'nodejs/both.js'));
    expect(layerPathOf([first, second], '/opt/nodejs/a')).to.equal(join(first, 'nodejs/a'));
    expect(layerPathOf([first, second], '/opt/nodejs/none.js')).to.equal(undefined);
  });

  it("finds a bare specifier in NODE_PATH's order: /opt/nodejs/node<major>/node_modules before /opt/nodejs/node_modules", () => {
    expect(layerParentOf([first, second], 24, 'pkg/sub')).to.equal(pathToFileURL(join(second, 'nodejs/node24/layer-parent.js')).href);
    expect(layerParentOf([first, second], 22, 'pkg')).to.equal(pathToFileURL(join(first, 'nodejs/layer-parent.js')).href);
    expect(layerParentOf([first], 24, 'other')).to.equal(undefined);
  });

  it('treats a layer .js without a package.json of its own as CommonJS', () => {
    expect(isLayerCommonJs([first], pathToFileURL(join(first, 'nodejs/a.js')).href)).to.equal(true);
    expect(isLayerCommonJs([first], pathToFileURL(join(first, 'nodejs/typed/x.js')).href)).to.equal(false);
    expect(isLayerCommonJs([first], pathToFileURL(join(root, 'elsewhere.js')).href)).to.equal(false);
  });

  it('reads Globals layers first, local content of both layer types, and lists what it cannot mount', () => {
    const template = {
      Resources: {
        Sam: { Type: 'AWS::Serverless::LayerVersion', Properties: { ContentUri: 'first' } },
        Cfn: { Type: 'AWS::Lambda::LayerVersion', Properties: { Content: 'second' } },
        S3: { Type: 'AWS::Lambda::LayerVersion', Properties: { Content: { S3Bucket: 'b', S3Key: 'k' } } },
      },
    } as unknown as Template;
    const arn = 'arn:aws:lambda:us-east-1:123456789012:layer:x:1';
    expect(layersOf(template, [{ Ref: 'Sam' }], [{ Ref: 'Cfn' }, { Ref: 'S3' }, arn], root, 'Fn')).to.deep.equal({
      layers: [first, second],
      externalLayers: ['S3 (its content is not a local folder)', arn],
      layerBuilds: [],
    });
    expect(() => layersOf(template, [], new Array(6).fill({ Ref: 'Sam' }), root, 'Fn')).to.throw(/at most 5 layers/);
  });
});
