// Compares the rendered files with the project on disk: what to create, update, leave or remove, and what is in the way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFileTree } from '../../common/file-tree.js';
import { ImportConflictError } from './errors.js';
import { isImportedFile } from './import-header.js';
import type { RenderedFile } from './rendered-file.js';

export type FileStatus = 'created' | 'updated' | 'unchanged' | 'removed';

export type FileChange =
  | { readonly path: string; readonly status: 'created' | 'updated'; readonly contents: string }
  | { readonly path: string; readonly status: 'unchanged' | 'removed' };

/** The folders an import writes into, and so the only ones it looks in for its own earlier files. */
const IMPORT_ROOTS = ['schema', 'policies'] as const;

/**
 * Every rendered file with its status, then every file an earlier import wrote that the store no longer holds
 * (`removed`), sorted by path. Throws ImportConflictError, before anything is written, when a rendered file would
 * replace a hand-written one or a hand-written schema would sit beside the imported one.
 */
export function planImport(root: string, files: readonly RenderedFile[]): FileChange[] {
  const onDisk = readImportRoots(root);
  const rendered = new Set(files.map((file) => file.path));
  const handWritten = [...onDisk].filter(([, text]) => !isImportedFile(text)).map(([path]) => path);
  const conflicts = [
    ...handWritten.filter((path) => rendered.has(path)).map((path) => `${path} would replace a hand-written file`),
    ...handWritten
      .filter((path) => !rendered.has(path) && path.endsWith('.cedarschema'))
      .map((path) => `${path} is a hand-written schema and a project holds one`),
  ];
  if (conflicts.length > 0) {
    throw new ImportConflictError(`${conflicts.join('; ')}: nothing was written; move it out of the way and run the import again`);
  }
  const changes: FileChange[] = files.map((file) => {
    const current = onDisk.get(file.path);
    if (current === undefined) return { path: file.path, status: 'created', contents: file.contents };
    return current === file.contents
      ? { path: file.path, status: 'unchanged' }
      : { path: file.path, status: 'updated', contents: file.contents };
  });
  for (const [path, text] of onDisk) {
    if (!rendered.has(path) && isImportedFile(text)) changes.push({ path, status: 'removed' });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every Cedar file under schema/ and policies/, keyed by its path from the root with forward slashes. */
function readImportRoots(root: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of IMPORT_ROOTS) {
    for (const entry of listFileTree(join(root, dir))) {
      if (/\.cedar(schema)?$/.test(entry)) found.set(`${dir}/${entry}`, readFileSync(join(root, dir, entry), 'utf8'));
    }
  }
  return found;
}
