/**
 * The cold-start figure: `npm run cold-start` measures, `npm run docs:figures -- cold-start
 * --from bench-results/cold-start.json` saves it, and its view prints the tables with what ran,
 * when and where.
 */
import { type Dataset, provenanceLine, type View } from '../figure.js';
import { coldStartMarkdown, type ColdStartResult } from '../sources.js';
import { checkProvenance } from './measured.js';

export const coldStartDataset: Dataset<ColdStartResult> = {
  name: 'cold-start',
  kind: 'measured',
  howTo: 'npm run cold-start -- --runs N --invokes M, then npm run docs:figures -- cold-start --from bench-results/cold-start.json',
  fromFile: (json) => {
    checkProvenance(json, 'cold-start');
    const result = json as unknown as ColdStartResult;
    if (!Array.isArray(result.functions) || result.functions.length === 0 || !result.reference)
      throw new Error('cold-start: the JSON has no functions or no reference');
    return result;
  },
};

export const coldStartViews: View[] = [
  {
    name: 'cold-start',
    reads: ['cold-start'],
    render: (data) => {
      const result = data('cold-start') as ColdStartResult;
      return `${provenanceLine(result)}\n\n${coldStartMarkdown(result)}`;
    },
  },
];
