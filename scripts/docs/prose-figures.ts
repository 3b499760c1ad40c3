/**
 * Numbers in a page's prose that look like measurements (sizes, timings, rates, ratios, money,
 * test counts): outside generated blocks, fenced code and inline code, none may appear except the
 * facts below. A figure that was measured belongs in a generated block (npm run docs:figures).
 */
import { withoutBlocks } from './blocks.js';

/**
 * AWS's limits and quotas, and Lambda's CPU step: facts, not measurements (see
 * /work/shared/AWS-FACTS.md and docs/figures/aws-facts.json). Compared after normalising spaces.
 */
export const ALLOWED_FACTS: Record<string, string> = {
  '128 KB': 'API Gateway WebSocket message payload limit',
  '32 KB': 'API Gateway WebSocket frame limit (and its message billing unit)',
  '29 s': 'API Gateway integration timeout',
  '10 minutes': 'API Gateway WebSocket idle timeout',
  '2 hours': 'API Gateway WebSocket connection duration',
  '15 minutes': "Lambda's longest timeout",
  '1,769 MB': 'Lambda memory with one full vCPU',
  '6 MB': 'Lambda synchronous Invoke payload limit',
  '1 MB': 'Lambda asynchronous Invoke payload limit; a DynamoDB Scan page',
  '4 KB': 'DynamoDB read request unit',
  '1 hour': "Cognito's default access token lifetime",
  '6 hours': "Lambda's default maximum event age; DynamoDB's ItemCount refresh",
};

const NUMBER = String.raw`\d[\d,]*(?:\.\d+)?`;
const RANGE = String.raw`(?:~|≈|about |around )?${NUMBER}(?:\s*[–-]\s*${NUMBER})?`;
const UNIT = '(?:µs|ms|seconds?|sec|s|minutes?|min|hours?|h|days?|B|kB|KB|MB|GB|%|×|x|vCPUs?|/s)';
const PATTERNS = [
  new RegExp(String.raw`${RANGE}\s?${UNIT}(?![\w/])`, 'g'),
  new RegExp(String.raw`\$\s?${NUMBER}`, 'g'),
  new RegExp(String.raw`${NUMBER}\s+(?:tests?|test files)\b`, 'g'),
  new RegExp(String.raw`${NUMBER}\s+(?:posts|deliveries|messages|requests|connections|broadcasts|invocations)\s+(?:a|per)\s+second`, 'g'),
];

/** The page's prose: no generated blocks, fenced code, inline code, HTML comments or link targets. */
export function proseOf(markdown: string, page = 'page'): string {
  return withoutBlocks(markdown, page)
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/`[^`\n]*`/g, '')
    .replace(/\]\([^)]*\)/g, ']');
}

/** Each measurement-like number of a page's prose that is not an allowed fact, with its line. */
export function measurementsIn(markdown: string, page = 'page'): string[] {
  const found: string[] = [];
  const prose = proseOf(markdown, page);
  for (const pattern of PATTERNS) {
    for (const match of prose.matchAll(pattern)) {
      const text = match[0].replace(/\s+/g, ' ').trim();
      if (text in ALLOWED_FACTS) continue;
      const line = prose.slice(prose.lastIndexOf('\n', match.index) + 1, prose.indexOf('\n', match.index) >>> 0 || undefined).trim();
      found.push(`${page}: "${text}" in: ${line.slice(0, 160)}`);
    }
  }
  return found;
}
