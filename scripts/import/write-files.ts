// The only step of the import that touches the disk: applies a plan, each file replaced by an atomic rename.
import { mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileChange } from './plan-files.js';

export function applyImport(root: string, changes: readonly FileChange[]): void {
  for (const change of changes) {
    const target = join(root, change.path);
    if (change.status === 'created' || change.status === 'updated') {
      mkdirSync(dirname(target), { recursive: true });
      // A reader (an editor, `npm run validate` in watch mode) never sees half a file.
      const staging = `${target}.import-${process.pid}.tmp`;
      writeFileSync(staging, change.contents);
      renameSync(staging, target);
    } else if (change.status === 'removed') {
      rmSync(target);
      removeEmptyFolders(root, dirname(change.path));
    }
  }
}

/** Removes the folders a removal left empty, up to (not including) schema/ or policies/. */
function removeEmptyFolders(root: string, folder: string): void {
  for (let current = folder; current.includes('/'); current = dirname(current)) {
    const full = join(root, current);
    if (readdirSync(full).length > 0) return;
    rmdirSync(full);
  }
}
