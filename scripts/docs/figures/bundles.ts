/**
 * Each function's bundle as `sam build` makes it (the template's esbuild settings, built in
 * memory): what its cold start reads (the entry and the chunks it imports statically), all its
 * files, the source maps read with them, and what they are made of, from esbuild's metafile
 * (`bytesInOutput` of every input, grouped by package).
 */
import * as esbuild from 'esbuild';
import { type Dataset, type View, kb } from '../figure.js';
import { bundleLoad, functionsOf, loadTemplate } from '../sources.js';

/** The groups a bundle's bytes are reported in, in table order. */
export const GROUPS = ['the app (functions/)', '@aws-sdk/*', '@smithy/*', 'Powertools', 'aws-jwt-verify', 'other packages'] as const;
type Group = (typeof GROUPS)[number];

export interface Bundles {
  esbuild: string;
  /**
   * `loaded*`: the files an import reads; `total*`: every JavaScript file of the bundle, lazy
   * chunks too. `mapBytes`: the maps of the files read at import, as the template writes them;
   * `fullMapBytes`: the same with the sources' text, as esbuild writes them by default.
   */
  functions: {
    function: string;
    loadedBytes: number;
    loadedFiles: number;
    totalBytes: number;
    totalFiles: number;
    mapBytes: number;
    fullMapBytes: number;
    bytesByGroup: Record<Group, number>;
  }[];
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
      // Built for npm run build's folder (nothing is written), which is as deep as sam build's:
      // the maps' source paths, and so their sizes, are those of a deployed bundle.
      const [load, full] = await Promise.all([bundleLoad(fn, baseDir), bundleLoad(fn, baseDir, { sourcesContent: true })]);
      const bytesByGroup = Object.fromEntries(GROUPS.map((group) => [group, 0])) as Record<Group, number>;
      for (const [input, bytes] of Object.entries(load.loadedInputs)) bytesByGroup[groupOf(input)] += bytes;
      return {
        function: fn.logicalId,
        loadedBytes: load.loadedBytes,
        loadedFiles: load.loadedFiles,
        totalBytes: load.totalBytes,
        totalFiles: load.totalFiles,
        mapBytes: load.loadedMapBytes,
        fullMapBytes: full.loadedMapBytes,
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
        `Built with esbuild ${bundles.esbuild} and each function's settings from \`template.yaml\`, as \`sam build\` builds them. KB = 1,024 bytes. Read at import: the entry file and the chunks it imports statically (what a cold start loads); all files: the chunks reached only through \`import()\` too. Source maps: those of the files read at import, as the template writes them (without the sources' text, as in \`.build/\`), and with the sources' text (esbuild's default). The groups are esbuild's \`bytesInOutput\` per input file of the files read at import (the rest is esbuild's own glue).`,
        '',
        `| function | read at import KB (files) | all files KB (files) | their source maps KB | maps with the sources' text KB | ${GROUPS.join(' KB | ')} KB |`,
        `| :--- | ---: | ---: | ---: | ---: | ${GROUPS.map(() => '---:').join(' | ')} |`,
        ...bundles.functions.map(
          (f) =>
            `| ${f.function} | ${kb(f.loadedBytes)} (${f.loadedFiles}) | ${kb(f.totalBytes)} (${f.totalFiles}) | ${kb(f.mapBytes)} | ${kb(f.fullMapBytes)} | ${GROUPS.map((group) => kb(f.bytesByGroup[group])).join(' | ')} |`,
        ),
      ].join('\n');
    },
  },
];
