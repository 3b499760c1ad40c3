import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A temporary folder holding `files` (name → content) for the enclosing `describe`: written
 * before its tests, removed after them. Returns the path of a name in it (`''`: the folder).
 */
export function tempFiles(files: Record<string, string>): (name: string) => string {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'test-files-'));
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  return (name) => join(dir, name);
}
