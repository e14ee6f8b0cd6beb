// The one tree reader: every file under a folder, recursively, in one deterministic order.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every file under `dir` (following symbolic links), as paths relative to `dir` with forward slashes, sorted by
 * UTF-16 code units so that no output depends on the disk's order or the machine's locale. A missing `dir` holds no
 * files.
 */
export function listFileTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (relativeDir: string): void => {
    for (const entry of readdirSync(join(dir, relativeDir))) {
      const path = relativeDir === '' ? entry : `${relativeDir}/${entry}`;
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else found.push(path);
    }
  };
  walk('');
  return found.sort();
}
