import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplate } from 'sam-local-websocket';
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
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type === 'AWS::Serverless::Function' && typeof resource.Properties?.CodeUri === 'string') {
      resource.Properties.CodeUri = resolve(baseDir, resource.Properties.CodeUri);
    }
  }
  const fn = template.Resources[logicalId];
  if (fn?.Type !== 'AWS::Serverless::Function') throw new Error(`${templatePath} has no function ${logicalId}`);
  const codeDir = String(fn.Properties?.CodeUri);
  const properties = fn.Metadata?.BuildProperties ?? {};
  // Alias targets that are paths are relative to the function's folder (where esbuild runs): keep them pointing there.
  const alias = (properties.Alias as string[] | undefined)?.map((item) => item.replace(/=(\.\.?\/.*)$/, (_, path: string) => `=${resolve(codeDir, path)}`));
  fn.Properties = { ...fn.Properties, CodeUri: LOAD_DIR, Handler: 'bench-broadcast.handler' };
  fn.Metadata = { ...fn.Metadata, BuildProperties: { ...properties, EntryPoints: ['bench-broadcast.ts'], ...(alias ? { Alias: alias } : {}) } };
  const dir = mkdtempSync(join(tmpdir(), 'bench-template-'));
  const path = join(dir, 'template.yaml');
  writeFileSync(path, yamlDump(template));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
