/**
 * Makes a CloudWatch Embedded Metric Format line readable in the local gateway's output.
 * On AWS, CloudWatch Logs turns such a line into metrics; locally it is only printed, so
 * it is shown as `metrics Namespace {dimensions} Name=value unit ...` instead of raw JSON.
 */

interface MetricDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit?: string }[];
}

/** Short forms of the units Powertools writes; others are printed as they are. */
const UNITS: Record<string, string> = { Count: '', Milliseconds: 'ms', Seconds: 's', Bytes: 'B', Percent: '%' };

function directivesOf(value: unknown): MetricDirective[] | undefined {
  const directives = (value as { _aws?: { CloudWatchMetrics?: unknown } } | null)?._aws?.CloudWatchMetrics;
  return Array.isArray(directives) ? (directives as MetricDirective[]) : undefined;
}

/**
 * One log line as the gateway prints it: an EMF line as its metrics, anything else
 * (plain text, log JSON, broken JSON) unchanged.
 */
export function formatLogLine(line: string): string {
  if (!line.trimStart().startsWith('{')) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  const directives = directivesOf(record);
  if (!directives) return line;
  return directives
    .map((directive) => {
      const dimensions = [...new Set((directive.Dimensions ?? []).flat())].map((name) => `${name}=${String(record[name])}`);
      const metrics = (directive.Metrics ?? []).map(({ Name, Unit }) => `${Name}=${JSON.stringify(record[Name])}${UNITS[Unit ?? 'Count'] ?? ` ${Unit}`}`);
      return `metrics ${directive.Namespace} {${dimensions.join(', ')}} ${metrics.join(' ')}`;
    })
    .join('\n');
}
