/** The local twin's help texts (`npm start -- --help`, `npm run invoke -- --help`), as the commands print them. */
import type { Dataset, View } from '../figure.js';
import { CLI_HELP, INVOKE_HELP } from '../sources.js';

export interface CliHelp {
  start: string;
  invoke: string;
}

export const cliHelpDataset: Dataset<CliHelp> = {
  name: 'cli-help',
  kind: 'derived',
  howTo: "the help texts of npm start and npm run invoke, read from the twin's code",
  collect: async () => ({ start: CLI_HELP.trimEnd(), invoke: INVOKE_HELP.trimEnd() }),
};

const fenced = (text: string) => ['```text', text, '```'].join('\n');

export const cliHelpViews: View[] = [
  { name: 'npm-start-help', reads: ['cli-help'], render: (data) => fenced((data('cli-help') as CliHelp).start) },
  { name: 'npm-run-invoke-help', reads: ['cli-help'], render: (data) => fenced((data('cli-help') as CliHelp).invoke) },
];
