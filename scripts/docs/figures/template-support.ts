/** What the twin runs of a template (docs/bring-your-own-template.md), read from the twin's own lists. */
import type { Dataset, View } from '../figure.js';
import { EMULATED_TYPES, INERT_TYPES, NODE_RUNTIME_LIFECYCLE, NOT_RUN_TYPES, type RuntimeLifecycle } from '../sources.js';

export interface TemplateSupport {
  emulated: string[];
  inert: string[];
  notRun: string[];
  runtimes: Record<string, RuntimeLifecycle>;
}

export const templateSupportDataset: Dataset<TemplateSupport> = {
  name: 'template-support',
  kind: 'derived',
  howTo: "the resource types and Node.js runtime dates the twin's template reader holds (src/template/support.ts, runtimes.ts)",
  collect: async () => ({
    emulated: [...EMULATED_TYPES],
    inert: [...INERT_TYPES],
    notRun: [...NOT_RUN_TYPES],
    runtimes: { ...NODE_RUNTIME_LIFECYCLE },
  }),
};

const code = (items: string[]) => items.map((item) => `\`${item}\``).join(', ');

export const templateSupportViews: View[] = [
  {
    name: 'template-resource-types',
    reads: ['template-support'],
    render: (data) => {
      const support = data('template-support') as TemplateSupport;
      return [
        '| resource types | what the twin does |',
        '| --- | --- |',
        `| ${code(support.emulated)} | run (see the rows below) |`,
        `| ${code(support.inert)} | accepted; nothing to run locally |`,
        `| ${code(support.notRun)} | accepted with a warning: not run, calls to them do not reach them |`,
        '| any other | refused: one line naming the resource and its type, exit code 2 |',
      ].join('\n');
    },
  },
  {
    name: 'node-runtime-lifecycle',
    reads: ['template-support'],
    render: (data) => {
      const { runtimes } = data('template-support') as TemplateSupport;
      return [
        '| runtime | deprecated | creating functions blocked | updating functions blocked |',
        '| --- | --- | --- | --- |',
        ...Object.entries(runtimes).map(([runtime, dates]) => `| \`${runtime}\` | ${dates.deprecated} | ${dates.createBlocked} | ${dates.updateBlocked} |`),
      ].join('\n');
    },
  },
];
