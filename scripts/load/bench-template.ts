import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplate } from 'sam-local-websocket';
import { absoluteCodePaths } from 'sam-local-websocket/testing';
import { yamlDump } from 'yaml-cfn';

/** Where bench-broadcast.ts is. */
const LOAD_DIR = fileURLToPath(new URL('.', import.meta.url));

/**
 * A copy of the template (in a temporary folder, every CodeUri made absolute) whose `logicalId`
 * function is bundled from bench-broadcast.ts, with its own esbuild options otherwise, so that
 * the bench can choose its poster and concurrency. `remove()` deletes the folder.
 */
export function benchTemplate(templatePath: string, logicalId: string): { path: string; remove: () => void } {
  const { template, baseDir } = loadTemplate(templatePath);
  absoluteCodePaths(template, baseDir);
  const fn = template.Resources[logicalId];
  if (fn?.Type !== 'AWS::Serverless::Function') throw new Error(`${templatePath} has no function ${logicalId}`);
  fn.Properties = { ...fn.Properties, CodeUri: LOAD_DIR, Handler: 'bench-broadcast.handler' };
  fn.Metadata = { ...fn.Metadata, BuildProperties: { ...fn.Metadata?.BuildProperties, EntryPoints: ['bench-broadcast.ts'] } };
  const dir = mkdtempSync(join(tmpdir(), 'bench-template-'));
  const path = join(dir, 'template.yaml');
  writeFileSync(path, yamlDump(template));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
