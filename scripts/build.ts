/**
 * npm run build: bundles every function in template.yaml exactly as `sam build` would,
 * with the esbuild options read from each function's Metadata, and prints the sizes.
 */
import { buildFunction } from '../packages/sam-local-websocket/src/lambda/bundle.js';
import { buildPage } from '../packages/sam-local-websocket/src/page/build-page.js';
import { functionsOf, loadTemplate } from '../packages/sam-local-websocket/src/template/template.js';

const templatePath = process.argv[2] ?? 'template.yaml';
const { template, baseDir } = loadTemplate(templatePath);
const built = await Promise.all(functionsOf(template, baseDir).map((fn) => buildFunction(fn, baseDir)));
for (const fn of built) {
  console.log(`${fn.logicalId.padEnd(24)} ${(fn.bytes / 1024).toFixed(1).padStart(8)} KB  ${fn.file}`);
}
const pageDir = await buildPage(baseDir);
console.log(`${'try-it page'.padEnd(24)} ${' '.repeat(11)}  ${pageDir}/index.html (open it as a file to try a deployed API)`);
