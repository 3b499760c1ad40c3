import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplate, type Template } from 'sam-local-websocket';
import { yamlDump } from 'yaml-cfn';

/** Where bench-broadcast.ts is. */
const LOAD_DIR = fileURLToPath(new URL('.', import.meta.url));

/**
 * Makes every function's paths absolute, so that a copy of the template written elsewhere still
 * finds them: its CodeUri, and the targets of its esbuild `Alias` that are paths (relative to the
 * function's folder, where esbuild runs).
 */
export function absoluteCodePaths(template: Template, baseDir: string): void {
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Serverless::Function' || typeof resource.Properties?.CodeUri !== 'string') continue;
    const codeDir = resolve(baseDir, resource.Properties.CodeUri);
    resource.Properties.CodeUri = codeDir;
    // A copy: functions may share one Metadata object (a YAML anchor).
    if (resource.Metadata?.BuildProperties)
      resource.Metadata = { ...resource.Metadata, BuildProperties: withAbsoluteAliases(resource.Metadata.BuildProperties, codeDir) };
  }
}

/** BuildProperties whose `Alias` targets that are paths (relative to `codeDir`, where esbuild runs) are made absolute. */
export function withAbsoluteAliases(properties: Record<string, unknown>, codeDir: string): Record<string, unknown> {
  if (!Array.isArray(properties.Alias)) return properties;
  return { ...properties, Alias: properties.Alias.map((item: string) => item.replace(/=(\.\.?\/.*)$/, (_, path: string) => `=${resolve(codeDir, path)}`)) };
}

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
