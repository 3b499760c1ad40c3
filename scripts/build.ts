/**
 * npm run build: bundles every function in template.yaml exactly as `sam build` would,
 * with the esbuild options read from each function's Metadata, and prints the sizes.
 */
import { join } from 'node:path';
import { buildFunction, buildPage, functionsOf, loadTemplate } from 'sam-local-websocket';

const templatePath = process.argv[2] ?? 'template.yaml';
const { template, baseDir } = loadTemplate(templatePath);
const built = await Promise.all(functionsOf(template, baseDir).map((fn) => buildFunction(fn, baseDir)));
for (const fn of built) {
  console.log(`${fn.logicalId.padEnd(24)} ${(fn.bytes / 1024).toFixed(1).padStart(8)} KB  ${fn.file}`);
}
const pageDir = await buildPage(join(baseDir, 'web'));
console.log(`${'try-it page'.padEnd(24)} ${' '.repeat(11)}  ${pageDir}/index.html (open it as a file to try a deployed API)`);
