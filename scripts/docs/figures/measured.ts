/**
 * The measured figures: timings no test can repeat. Each is saved from the JSON its command
 * wrote (`npm run docs:figures -- NAME --from FILE`) or measured here when named with
 * `--measure`, and carries the command, the date and the machine, which its views print.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { count, type Dataset, type Provenance, provenanceLine, type View } from '../figure.js';
import { benchMarkdown, type BenchResult, SOURCE_MAP_VARIANTS, type SoakResult, type SourceMapResult, type Spread } from '../sources.js';

/** Throws unless `json` carries what a measured dataset must: the command, an ISO date, the machine. */
export function checkProvenance(json: unknown, what: string): asserts json is Provenance {
  const p = json as Partial<Provenance> | null;
  if (!p || typeof p.command !== 'string' || !/^(npm run|npx) /.test(p.command)) throw new Error(`${what}: no "command" (npm run … or npx …) in the JSON`);
  if (typeof p.date !== 'string' || Number.isNaN(Date.parse(p.date))) throw new Error(`${what}: no ISO "date" in the JSON`);
  if (!p.machine || typeof p.machine.cores !== 'number' || typeof p.machine.node !== 'string')
    throw new Error(`${what}: no "machine" (cores, node) in the JSON`);
}

export const benchDataset: Dataset<BenchResult> = {
  name: 'bench',
  kind: 'measured',
  howTo: 'npm run bench -- … --out bench-results/bench.json, then npm run docs:figures -- bench --from bench-results/bench.json',
  fromFile: (json) => {
    checkProvenance(json, 'bench');
    const result = json as unknown as BenchResult;
    if (!Array.isArray(result.runs) || result.runs.length === 0) throw new Error('bench: the JSON has no runs');
    return result;
  },
};

export const sourceMapsDataset: Dataset<SourceMapResult> = {
  name: 'source-maps',
  kind: 'measured',
  howTo: 'npm run source-map-cost -- --runs N, then npm run docs:figures -- source-maps --from bench-results/source-maps.json',
  fromFile: (json) => {
    checkProvenance(json, 'source-maps');
    return json as unknown as SourceMapResult;
  },
};

export type SoakFigure = Provenance & SoakResult;

export const soakDataset: Dataset<SoakFigure> = {
  name: 'soak',
  kind: 'measured',
  howTo: 'npm run soak -- --clients N --rate M --seconds S, then npm run docs:figures -- soak --from bench-results/soak.json',
  fromFile: (json) => {
    checkProvenance(json, 'soak');
    return json as SoakFigure;
  },
};

/** Apparent size (the files' bytes) of everything under a folder; links are not followed. */
function bytesUnder(path: string): number {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + bytesUnder(join(path, name)), 0);
}

export interface InstallSize extends Provenance {
  package: string;
  version: string;
  /** The package's tarball in npm's cache, found by its integrity in package-lock.json (absent if not cached). */
  tarballBytes?: number;
  packageBytes: number;
  binaryBytes: number;
  nodeModulesBytes: number;
}

/** What the pinned Node.js adds to an install, on this platform. */
export async function measureInstallSize(): Promise<InstallSize> {
  const name = `node-${process.platform}-${process.arch}`;
  const dir = join('node_modules', name);
  if (!existsSync(dir)) throw new Error(`${dir} is not installed: npm ci installs Node.js only where the registry has it for this platform`);
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version: string; integrity?: string }> };
  const entry = lock.packages[`node_modules/${name}`];
  let tarballBytes: number | undefined;
  const integrity = entry?.integrity?.split(' ')[0];
  if (integrity?.startsWith('sha512-')) {
    const hex = Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
    const cached = join(
      process.env.npm_config_cache ?? join(process.env.HOME ?? '', '.npm'),
      '_cacache',
      'content-v2',
      'sha512',
      hex.slice(0, 2),
      hex.slice(2, 4),
      hex.slice(4),
    );
    if (existsSync(cached)) tarballBytes = statSync(cached).size;
  }
  const binary = join(dir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  return {
    command: 'npm run docs:figures -- install-size --measure',
    date: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version, loadAverageAtEnd: loadavg() },
    package: name,
    version: entry?.version ?? 'unknown',
    ...(tarballBytes === undefined ? {} : { tarballBytes }),
    packageBytes: bytesUnder(dir),
    binaryBytes: statSync(binary).size,
    nodeModulesBytes: bytesUnder('node_modules'),
  };
}

export const installSizeDataset: Dataset<InstallSize> = {
  name: 'install-size',
  kind: 'measured',
  howTo: 'npm run docs:figures -- install-size --measure (after npm ci)',
  collect: measureInstallSize,
};

const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);

export const measuredViews: View[] = [
  // Bundle sizes only once, in the bundles table: the bench's cold starts without them.
  { name: 'bench', reads: ['bench'], render: (data) => benchMarkdown(data('bench') as BenchResult, { bundleSizes: false }) },
  {
    name: 'source-maps',
    reads: ['source-maps'],
    // Timings only: the sizes are in the bundles table, recomputed on every npm test.
    render: (data) => {
      const result = data('source-maps') as SourceMapResult;
      const ms = (s: Spread) => `${s.median} (${s.min}–${s.max})`;
      const names = SOURCE_MAP_VARIANTS;
      return [
        `${provenanceLine({ ...result, machine: { ...result.machine } })} Median (min–max) of ${result.runs} fresh processes per variant, alternating.`,
        '',
        `| function | import ms ${names.join(' / ')} | first error stack ms ${names.join(' / ')} |`,
        '| :--- | ---: | ---: |',
        ...result.results.map((cost) => {
          const v = names.map((name) => cost.variants[name]);
          return `| ${cost.function} | ${v.map((x) => ms(x.importMs)).join(' / ')} | ${v.map((x) => ms(x.firstStackMs)).join(' / ')} |`;
        }),
      ].join('\n');
    },
  },
  {
    name: 'soak',
    reads: ['soak'],
    render: (data) => {
      const soak = data('soak') as SoakFigure;
      return [
        provenanceLine(soak),
        '',
        '| clients | broadcasts/s | seconds | messages | deliveries expected | seen | lost | duplicated | clients connected at the end | first send → last delivery s | per broadcast, send → last delivery p50 / max ms | gateway memory start → end MB | failed invocations |',
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        `| ${count(soak.clients)} | ${soak.rate} | ${soak.seconds} | ${count(soak.messagesSent)} | ${count(soak.deliveriesExpected)} | ${count(soak.deliveriesSeen)} | ${count(soak.lost)} | ${count(soak.duplicated)} | ${count(soak.clientsAtEnd)} | ${soak.elapsedSeconds} | ${count(soak.latencyP50Ms)} / ${count(soak.latencyMaxMs)} | ${soak.memoryStartMb} → ${soak.memoryEndMb} | ${soak.failedInvocations} |`,
      ].join('\n');
    },
  },
  {
    name: 'install-size',
    reads: ['install-size'],
    render: (data) => {
      const size = data('install-size') as InstallSize;
      return [
        provenanceLine(size),
        '',
        '| what | MB |',
        '| :--- | ---: |',
        ...(size.tarballBytes === undefined ? [] : [[`\`${size.package}@${size.version}\`: the tarball npm downloads (and caches)`, size.tarballBytes]]),
        [`\`${size.package}@${size.version}\`: unpacked in \`node_modules/${size.package}\``, size.packageBytes],
        ['of which the `node` binary', size.binaryBytes],
        ['all of `node_modules` after `npm ci`, Node.js included', size.nodeModulesBytes],
        ['all of `node_modules` without it', size.nodeModulesBytes - size.packageBytes],
      ]
        .map((row) => (typeof row === 'string' ? row : `| ${row[0]} | ${mb(row[1] as number)} |`))
        .join('\n');
    },
  },
];
