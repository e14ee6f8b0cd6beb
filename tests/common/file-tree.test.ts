// The one tree reader: the same sorted listing whatever order the files were made in.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listFileTree } from '../../common/file-tree.js';

let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

function tree(files: readonly string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'file-tree-'));
  scratch = root;
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), file);
  }
  return root;
}

describe('listFileTree', () => {
  it('lists every file under the folder, nested ones too, relative and sorted by path whatever the creation order', () => {
    const root = tree(['z.cedar', 'b/y.cedar', 'a-b/x.cedar', 'a/c/w.cedar', 'B.cedar']);

    expect(listFileTree(root)).toEqual(['B.cedar', 'a-b/x.cedar', 'a/c/w.cedar', 'b/y.cedar', 'z.cedar']);
  });

  it('lists no directories, only the files in them', () => {
    const root = tree(['only/file.yaml']);
    mkdirSync(join(root, 'empty'));

    expect(listFileTree(root)).toEqual(['only/file.yaml']);
  });

  it('follows a symbolic link to a folder, as a copy of the project links node_modules', () => {
    const root = tree(['real/inside.txt', 'top.txt']);
    symlinkSync(join(root, 'real'), join(root, 'linked'), 'dir');

    expect(listFileTree(root)).toEqual(['linked/inside.txt', 'real/inside.txt', 'top.txt']);
  });

  it('returns no files for a folder that does not exist', () => {
    expect(listFileTree(join(tmpdir(), 'no-such-folder-for-file-tree'))).toEqual([]);
  });
});
