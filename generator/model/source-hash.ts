// Hashes input files so that every generated file can say exactly which inputs produced it.
import { createHash } from 'node:crypto';
import type { SourceFile } from '../load/source-files.js';

/** sha256 over sorted paths and contents; line endings are normalised so a Windows checkout hashes the same. */
export function hashSources(files: readonly SourceFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(file.path).update('\0').update(file.text.replace(/\r\n/g, '\n')).update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}
