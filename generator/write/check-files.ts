// `generate --check`: compares what the sources produce with what is committed, without writing anything.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFileTree } from '../../common/file-tree.js';
import { GENERATED_DIR, type RenderedFile } from '../render/render.js';

export interface StaleFile {
  readonly path: string;
  readonly problem: 'missing' | 'changed' | 'extra';
  /** A short line diff for changed files. */
  readonly diff?: string;
}

export function findStaleFiles(root: string, files: readonly RenderedFile[]): StaleFile[] {
  const stale: StaleFile[] = [];
  const expected = new Set(files.map((file) => file.path));
  for (const file of files) {
    const path = join(root, file.path);
    if (!existsSync(path)) {
      stale.push({ path: file.path, problem: 'missing' });
      continue;
    }
    const actual = readFileSync(path, 'utf8');
    if (actual !== file.contents) stale.push({ path: file.path, problem: 'changed', diff: shortDiff(actual, file.contents) });
  }
  for (const path of listFileTree(join(root, GENERATED_DIR)).map((file) => `${GENERATED_DIR}/${file}`)) {
    if (!expected.has(path)) stale.push({ path, problem: 'extra' });
  }
  return stale.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The first few differing lines, `-` for what is on disk and `+` for what the sources produce. */
export function shortDiff(actual: string, expected: string, maxLines = 6): string {
  const a = actual.split('\n');
  const b = expected.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < maxLines * 2; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] !== undefined) out.push(`    line ${i + 1} - ${a[i]}`);
    if (b[i] !== undefined) out.push(`    line ${i + 1} + ${b[i]}`);
  }
  return out.join('\n');
}
