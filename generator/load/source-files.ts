// Reads the project's inputs from disk: project.yaml, the schema, the policy files and the mode files, in sorted order.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFileTree } from '../../common/file-tree.js';

export interface SourceFile {
  /** Path relative to the project root, with forward slashes; what diagnostics print. */
  readonly path: string;
  readonly text: string;
}

export interface ProjectSources {
  readonly root: string;
  readonly schemaFiles: readonly SourceFile[];
  readonly policyFiles: readonly SourceFile[];
  readonly modeFiles: readonly SourceFile[];
  /** The project's settings; absent when the root has no project.yaml, which validation reports. */
  readonly projectFile?: SourceFile;
}

export const SCHEMA_DIR = 'schema';
export const POLICIES_DIR = 'policies';
export const MODES_DIR = 'modes';
export const PROJECT_FILE = 'project.yaml';

export function readProjectSources(root: string): ProjectSources {
  return {
    root,
    schemaFiles: readTree(root, SCHEMA_DIR, '.cedarschema'),
    policyFiles: readTree(root, POLICIES_DIR, '.cedar'),
    modeFiles: readTree(root, MODES_DIR, '.yaml'),
    ...optionalProjectFile(readProjectFile(root)),
  };
}

/** The root's project.yaml, or undefined when it has none. */
export function readProjectFile(root: string): SourceFile | undefined {
  const full = join(root, PROJECT_FILE);
  return existsSync(full) ? { path: PROJECT_FILE, text: withoutByteOrderMark(readFileSync(full, 'utf8')) } : undefined;
}

function optionalProjectFile(projectFile: SourceFile | undefined): { projectFile?: SourceFile } {
  return projectFile ? { projectFile } : {};
}

/** Every file under `dir` ending in `extension`, in the tree reader's order so that output never depends on disk order. */
function readTree(root: string, dir: string, extension: string): SourceFile[] {
  return listFileTree(join(root, dir))
    .filter((path) => path.endsWith(extension))
    .map((path) => ({ path: `${dir}/${path}`, text: withoutByteOrderMark(readFileSync(join(root, dir, path), 'utf8')) }));
}

/**
 * Some Windows editors start UTF-8 files with a byte order mark. It is invisible, yet Cedar rejects it as an
 * invalid token at 1:1 and it hides a mode's schema line, so drop it when reading.
 */
function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
