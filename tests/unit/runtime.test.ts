/**
 * One runtime everywhere. The template's `Globals.Function.Runtime` says which Node.js the
 * project targets; the esbuild target, `engines`, `@types/node` and the Node that `npm ci`
 * brings (and that runs these tests) must name the same major.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { functionsOf, loadTemplate, nodeMajorOf } from 'sam-local-websocket';

const { template, baseDir } = loadTemplate('template.yaml');
const runtime = template.Globals?.Function?.Runtime as string | undefined;
const major = nodeMajorOf(runtime);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
/** The per-platform packages that put a Node.js binary into node_modules/.bin. */
const nodePackages: Record<string, string> = Object.fromEntries(
  Object.entries(pkg.optionalDependencies ?? {}).filter(([name]) => /^node-(linux|darwin|win)-/.test(name)),
) as Record<string, string>;
const majorOf = (version: string) => Number(/^v?(\d+)\./.exec(version)?.[1]);

describe('one Node.js runtime everywhere (the template’s Runtime decides)', () => {
  it('the template names a Node.js runtime in Globals and no function overrides it', () => {
    expect(major, `Globals.Function.Runtime is "${runtime}"`).to.be.a('number');
    for (const fn of functionsOf(template, baseDir)) expect(fn.runtime, fn.logicalId).to.equal(runtime);
  });

  it('esbuild bundles every function for that Node.js major', () => {
    for (const fn of functionsOf(template, baseDir)) expect(fn.buildProperties.Target, fn.logicalId).to.equal(`node${major}`);
  });

  it('package.json engines and @types/node name the same major', () => {
    expect(pkg.engines.node).to.equal(`${major}.x`);
    expect(majorOf(pkg.devDependencies['@types/node'])).to.equal(major);
  });

  it('npm ci brings that Node.js: one exact version for every platform, locked as declared', () => {
    const versions = Object.values(nodePackages);
    expect(versions).to.have.length.greaterThan(0);
    expect(new Set(versions).size, 'every platform gets the same version').to.equal(1);
    expect(versions[0]).to.match(/^\d+\.\d+\.\d+$/);
    expect(majorOf(versions[0])).to.equal(major);
    for (const [name, version] of Object.entries(nodePackages)) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).to.equal(version);
    }
  });

  it(`runs these tests on it (this run: Node.js ${process.version})`, () => {
    expect(majorOf(process.version), 'run the tests through npm (npm test, npx mocha) after npm ci').to.equal(major);
    // On a platform with a package, the binary is the one npm ci installed, not the machine's.
    const own = `node_modules/node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
    if (existsSync(own)) {
      expect(process.version).to.equal(`v${nodePackages[own.slice('node_modules/'.length)]}`);
      expect(realpathSync(process.execPath)).to.equal(realpathSync(`${own}/bin/${process.platform === 'win32' ? 'node.exe' : 'node'}`));
    }
  });
});
