/**
 * Each function's bundle as `sam build` makes it (the template's esbuild settings, built in
 * memory): its size, its source map's, and what it is made of, from esbuild's metafile
 * (`bytesInOutput` of every input, grouped by package).
 */
import * as esbuild from 'esbuild';
import { join, relative } from 'node:path';
import { type Dataset, type View, kb } from '../figure.js';
import { esbuildOptions, functionsOf, loadTemplate } from '../sources.js';

/** The groups a bundle's bytes are reported in, in table order. */
export const GROUPS = ['the app (functions/)', '@aws-sdk/*', '@smithy/*', 'Powertools', 'aws-jwt-verify', 'other packages'] as const;
type Group = (typeof GROUPS)[number];

export interface Bundles {
  esbuild: string;
  /** `fullMapBytes`: the map with the sources' text, as esbuild writes it by default (the template leaves it out). */
  functions: { function: string; bundleBytes: number; mapBytes: number; fullMapBytes: number; bytesByGroup: Record<Group, number> }[];
}

/** The group of one esbuild input path (relative to the working directory). */
export function groupOf(input: string): Group {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('functions/') ? 'the app (functions/)' : 'other packages';
  const rest = input.slice(at + 'node_modules/'.length).split('/');
  const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  if (name.startsWith('@aws-sdk/')) return '@aws-sdk/*';
  if (name.startsWith('@smithy/')) return '@smithy/*';
  if (name.startsWith('@aws-lambda-powertools/')) return 'Powertools';
  if (name === 'aws-jwt-verify') return 'aws-jwt-verify';
  return 'other packages';
}

export async function measureBundles(): Promise<Bundles> {
  const { template, baseDir } = loadTemplate('template.yaml');
  const functions = await Promise.all(
    functionsOf(template, baseDir).map(async (fn) => {
      // npm run build's folder (nothing is written): the map's source paths, and so its size, are
      // those of `.build/X`, wherever the repository is checked out.
      const options = esbuildOptions(fn, join(baseDir, '.build', fn.logicalId));
      const result = await esbuild.build({ ...options, write: false });
      const output = (suffix: string) => result.outputFiles.find((file) => file.path.endsWith(suffix));
      const bundle = output('.mjs') ?? output('.js');
      if (!bundle) throw new Error(`${fn.logicalId}: esbuild wrote no bundle`);
      const meta = result.metafile!.outputs[relative(process.cwd(), bundle.path)];
      if (!meta) throw new Error(`${fn.logicalId}: esbuild's metafile has no ${bundle.path}`);
      const bytesByGroup = Object.fromEntries(GROUPS.map((group) => [group, 0])) as Record<Group, number>;
      for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) bytesByGroup[groupOf(input)] += bytesInOutput;
      const full = await esbuild.build({ ...options, sourcemap: true, sourcesContent: true, metafile: false, write: false });
      const fullMapBytes = full.outputFiles.find((file) => file.path.endsWith('.map'))?.contents.byteLength ?? 0;
      return {
        function: fn.logicalId,
        bundleBytes: bundle.contents.byteLength,
        mapBytes: output('.map')?.contents.byteLength ?? 0,
        fullMapBytes,
        bytesByGroup,
      };
    }),
  );
  return { esbuild: esbuild.version, functions };
}

export const bundlesDataset: Dataset<Bundles> = {
  name: 'bundles',
  kind: 'derived',
  howTo: "built in memory with each function's esbuild settings from template.yaml",
  collect: measureBundles,
};

export const bundlesViews: View[] = [
  {
    name: 'bundles',
    reads: ['bundles'],
    render: (data) => {
      const bundles = data('bundles') as Bundles;
      return [
        `Built with esbuild ${bundles.esbuild} and each function's settings from \`template.yaml\`, as \`sam build\` builds them. KB = 1,024 bytes. Source map: as \`npm run build\` writes it in \`.build/\` (the template's, without the sources' text); with the sources' text: esbuild's default. The groups are esbuild's \`bytesInOutput\` per input file (the rest of a bundle is esbuild's own glue).`,
        '',
        `| function | bundle KB | source map KB | map with the sources' text KB | ${GROUPS.join(' KB | ')} KB |`,
        `| :--- | ---: | ---: | ---: | ${GROUPS.map(() => '---:').join(' | ')} |`,
        ...bundles.functions.map(
          (f) =>
            `| ${f.function} | ${kb(f.bundleBytes)} | ${kb(f.mapBytes)} | ${kb(f.fullMapBytes)} | ${GROUPS.map((group) => kb(f.bytesByGroup[group])).join(' | ')} |`,
        ),
      ].join('\n');
    },
  },
];
