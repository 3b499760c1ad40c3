/**
 * Generated blocks in Markdown: the text between
 *
 *   <!-- generated:NAME by npm run docs:figures; do not edit by hand -->
 *   ...
 *   <!-- /generated:NAME -->
 *
 * is written by `npm run docs:figures` from the view NAME (scripts/docs/views.ts) and the data it
 * reads (docs/figures/*.json). Nothing else in a page is touched.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The pages that may hold generated blocks and that the prose check reads. */
export function docPages(rootDir = '.'): string[] {
  const docs = readdirSync(join(rootDir, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join('docs', name));
  return ['README.md', ...docs];
}

export const openMarker = (name: string): string => `<!-- generated:${name} by npm run docs:figures; do not edit by hand -->`;
export const closeMarker = (name: string): string => `<!-- /generated:${name} -->`;

export interface Block {
  name: string;
  /** The text between the markers, without the newline after the opening one and before the closing one. */
  content: string;
  /** Offsets of the content in the page. */
  start: number;
  end: number;
}

const OPEN = /<!-- generated:([a-z0-9-]+)( [^>]*)? -->\n/g;

/** Every generated block of a page; a marker without its pair, or a malformed one, throws. */
export function blocksOf(text: string, page = 'page'): Block[] {
  const blocks: Block[] = [];
  for (const match of text.matchAll(OPEN)) {
    const name = match[1];
    if (match[0] !== `${openMarker(name)}\n`) throw new Error(`${page}: the opening marker of ${name} must read ${openMarker(name)}`);
    const start = match.index + match[0].length;
    const close = text.indexOf(`\n${closeMarker(name)}`, start - 1);
    if (close < 0) throw new Error(`${page}: ${openMarker(name)} has no ${closeMarker(name)}`);
    blocks.push({ name, content: text.slice(start, Math.max(start, close)), start, end: Math.max(start, close) });
  }
  const closes = [...text.matchAll(/<!-- \/generated:([a-z0-9-]+) -->/g)].length;
  if (closes !== blocks.length) throw new Error(`${page}: ${closes} closing markers for ${blocks.length} generated blocks`);
  for (let i = 1; i < blocks.length; i++) {
    if (blocks[i].start < blocks[i - 1].end) throw new Error(`${page}: generated block ${blocks[i].name} is inside ${blocks[i - 1].name}`);
  }
  return blocks;
}

/** The page with each block's content replaced by `render(name)`. */
export function replaceBlocks(text: string, render: (name: string) => string, page = 'page'): string {
  let result = '';
  let at = 0;
  for (const block of blocksOf(text, page)) {
    result += text.slice(at, block.start) + render(block.name);
    at = block.end;
  }
  return result + text.slice(at);
}

/** The page with every generated block (markers included) taken out: what the prose check reads. */
export function withoutBlocks(text: string, page = 'page'): string {
  let result = '';
  let at = 0;
  for (const block of blocksOf(text, page)) {
    const open = text.lastIndexOf('<!-- generated:', block.start);
    result += text.slice(at, open);
    at = block.end + `\n${closeMarker(block.name)}`.length;
  }
  return result + text.slice(at);
}
