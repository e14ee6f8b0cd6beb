// The code stays within 140 columns (issue 13), strings and comments included: Biome wraps code at that width but
// never splits a string literal or a comment, so this catches what it leaves. generated/ is rendered, not written.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/project-copy.js';

const MAX_COLUMNS = 140;

function trackedTypeScriptFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--', '*.ts'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return listed
    .split('\0')
    .filter((path) => path !== '' && !path.startsWith('generated/'))
    .sort();
}

function readIfPresent(path: string): string {
  try {
    return readFileSync(join(REPO_ROOT, path), 'utf8');
  } catch {
    // Deleted in the working tree but still tracked: nothing to read.
    return '';
  }
}

/** `path:line (length)` for every line of `text` longer than MAX_COLUMNS characters. */
function longLines(path: string, text: string): string[] {
  return text.split('\n').flatMap((line, index) => (line.length > MAX_COLUMNS ? [`${path}:${index + 1} (${line.length})`] : []));
}

describe('line width', () => {
  it(`keeps every line of every tracked .ts file outside generated/ within ${MAX_COLUMNS} columns`, () => {
    const files = trackedTypeScriptFiles();

    const tooLong = files.flatMap((path) => longLines(path, readIfPresent(path)));

    expect(files.length).toBeGreaterThan(0);
    expect(tooLong).toEqual([]);
  });
});
