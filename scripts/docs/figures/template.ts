/**
 * The deploy tables from template.yaml and samconfig.toml: what `sam deploy --guided` asks for
 * each parameter (SAM CLI commands/deploy/guided_context.py prompt_parameters: `str(Default)`,
 * empty as `[]`; a NoEcho parameter with no default shown) and the stack's outputs.
 */
import { readFileSync } from 'node:fs';
import { yamlParse } from 'yaml-cfn';
import type { Dataset, View } from '../figure.js';

interface Parameter {
  Type: string;
  Default?: unknown;
  NoEcho?: boolean;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinValue?: number;
  MaxValue?: number;
  Description?: string;
}
interface Template {
  Parameters: Record<string, Parameter>;
  Conditions: Record<string, unknown>;
  Outputs: Record<string, { Condition?: string; Description?: string }>;
  Globals?: { Function?: { MemorySize?: number; Timeout?: number } };
  Resources: Record<string, { Type: string; Properties?: { MemorySize?: number; Timeout?: number } }>;
}

export interface TemplateTables {
  source: string;
  stack: { name: string; region: string };
  parameters: { name: string; default: string; prompt: string; allowed: string; description: string }[];
  outputs: { name: string; description: string; parameters: string[] }[];
  /** Each function's memory (MB) and timeout (s), Globals applied. */
  functions: { name: string; memorySize: number; timeout: number }[];
}

const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

/** A key of samconfig.toml's `[default.global.parameters]`. */
function samconfigValue(toml: string, key: string): string {
  const section = /\[default\.global\.parameters\]([\s\S]*?)(?:\n\[|$)/.exec(toml)?.[1] ?? '';
  const value = new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, 'm').exec(section)?.[1];
  if (value === undefined) throw new Error(`samconfig.toml has no ${key} under [default.global.parameters]`);
  return value;
}

/** What a parameter accepts, as the template constrains it. */
function allowed(parameter: Parameter): string {
  if (parameter.AllowedValues) return parameter.AllowedValues.map((value) => `\`${String(value)}\``).join(', ');
  if (parameter.MinValue !== undefined && parameter.MaxValue !== undefined) return `${parameter.MinValue} to ${parameter.MaxValue}`;
  if (parameter.MinValue !== undefined) return `at least ${parameter.MinValue}`;
  if (parameter.AllowedPattern) return `\`${parameter.AllowedPattern}\``;
  return parameter.Type === 'CommaDelimitedList' ? 'a comma-separated list' : 'any text';
}

export function templateTables(templateText: string, samconfigText: string): TemplateTables {
  const template = yamlParse(templateText) as Template;
  /** The parameters a condition reads, through the conditions it names. */
  const parametersOf = (node: unknown): string[] => {
    if (Array.isArray(node)) return node.flatMap(parametersOf);
    if (!node || typeof node !== 'object') return [];
    return Object.entries(node).flatMap(([key, value]) => {
      if (key === 'Ref' && typeof value === 'string' && value in template.Parameters) return [value];
      if (key === 'Condition' && typeof value === 'string') return parametersOf(template.Conditions[value]);
      return parametersOf(value);
    });
  };
  return {
    source: 'template.yaml, samconfig.toml',
    stack: { name: samconfigValue(samconfigText, 'stack_name'), region: samconfigValue(samconfigText, 'region') },
    parameters: Object.entries(template.Parameters).map(([name, parameter]) => ({
      name,
      default: String(parameter.Default ?? ''),
      prompt: parameter.NoEcho ? `Parameter ${name}:` : `Parameter ${name} [${String(parameter.Default ?? '')}]`,
      allowed: allowed(parameter),
      description: oneLine(parameter.Description),
    })),
    outputs: Object.entries(template.Outputs).map(([name, output]) => ({
      name,
      description: oneLine(output.Description),
      parameters: output.Condition ? [...new Set(parametersOf(template.Conditions[output.Condition]))] : [],
    })),
    functions: Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
      .map(([name, resource]) => ({
        name,
        memorySize: Number(resource.Properties?.MemorySize ?? template.Globals?.Function?.MemorySize ?? 128),
        timeout: Number(resource.Properties?.Timeout ?? template.Globals?.Function?.Timeout ?? 3),
      })),
  };
}

export const templateDataset: Dataset<TemplateTables> = {
  name: 'template',
  kind: 'derived',
  howTo: 'read from template.yaml and samconfig.toml',
  collect: async () => templateTables(readFileSync('template.yaml', 'utf8'), readFileSync('samconfig.toml', 'utf8')),
};

const cell = (text: string) => text.replace(/\|/g, '\\|');

export const templateViews: View[] = [
  {
    name: 'deploy-parameters',
    reads: ['template'],
    render: (data) => {
      const tables = data('template') as TemplateTables;
      return [
        "| prompt | accepts | what it is (the template's `Description`) |",
        '| --- | --- | --- |',
        `| \`Stack Name [${tables.stack.name}]\` | | the CloudFormation stack's name (\`samconfig.toml\`) |`,
        `| \`AWS Region [${tables.stack.region}]\` | | where to deploy (\`samconfig.toml\`) |`,
        ...tables.parameters.map((p) => `| \`${p.prompt}\` | ${cell(p.allowed)} | ${cell(p.description)} |`),
      ].join('\n');
    },
  },
  {
    name: 'deploy-outputs',
    reads: ['template'],
    render: (data) => {
      const tables = data('template') as TemplateTables;
      return [
        '| output | what it is | only with |',
        '| --- | --- | --- |',
        ...tables.outputs.map((o) => `| \`${o.name}\` | ${cell(o.description)} | ${o.parameters.map((p) => `\`${p}\``).join(', ')} |`),
      ].join('\n');
    },
  },
];
