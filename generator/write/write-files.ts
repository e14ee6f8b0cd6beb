// The write step, and the only code that touches generated/: all files or none.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RenderedFile } from '../render/render.js';
import { GENERATED_DIR } from '../render/render.js';

/**
 * Writes every file into a staging folder beside generated/, then swaps the folders with renames. A failure
 * while writing leaves generated/ exactly as it was; the swap itself is two renames on one file system.
 */
export function writeGeneratedFiles(root: string, files: readonly RenderedFile[]): void {
  const staging = join(root, `.${GENERATED_DIR}.staging-${process.pid}`);
  const previous = join(root, `.${GENERATED_DIR}.previous-${process.pid}`);
  const target = join(root, GENERATED_DIR);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const file of files) {
      const path = join(staging, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.contents, { flag: 'wx' });
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new GenerateWriteError(`could not write the generated files; ${GENERATED_DIR}/ was left untouched`, { cause: error });
  }

  const hadPrevious = existsSync(target);
  if (hadPrevious) renameSync(target, previous);
  try {
    renameSync(join(staging, GENERATED_DIR), target);
    // Files outside generated/ (cdk.json, .github/CODEOWNERS) are replaced one by one with an atomic rename each.
    for (const file of files.filter((f) => !f.path.startsWith(`${GENERATED_DIR}/`))) {
      mkdirSync(dirname(join(root, file.path)), { recursive: true });
      renameSync(join(staging, file.path), join(root, file.path));
    }
  } catch (error) {
    rmSync(target, { recursive: true, force: true });
    if (hadPrevious) renameSync(previous, target);
    rmSync(staging, { recursive: true, force: true });
    throw new GenerateWriteError(`could not replace ${GENERATED_DIR}/; the previous files were restored`, { cause: error });
  }
  rmSync(previous, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
}

export class GenerateWriteError extends Error {
  override readonly name = 'GenerateWriteError';
}
