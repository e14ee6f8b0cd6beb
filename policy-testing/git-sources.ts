// Reads the schema, policies and modes of a git revision with `git ls-tree` and `git show`, without a checkout.
import { execFileSync } from 'node:child_process';
import { MODES_DIR, POLICIES_DIR, SCHEMA_DIR, type ProjectSources, type SourceFile } from '../generator/load/source-files.js';
import { GitRevisionError } from './errors.js';

export interface Revision {
  /** The ref as given, such as `main` or `HEAD~1`. */
  readonly ref: string;
  /** Its commit, abbreviated. */
  readonly commit: string;
}

export function resolveRevision(root: string, ref: string): Revision {
  return { ref, commit: git(root, ['rev-parse', '--verify', '--short', `${ref}^{commit}`]).trim() };
}

/** The project inputs as they are at `ref`, in the same shape and order as `readProjectSources` gives the working tree. */
export function readRevisionSources(root: string, ref: string): ProjectSources {
  const listed = git(root, ['ls-tree', '-r', '-z', '--name-only', ref, '--', SCHEMA_DIR, POLICIES_DIR, MODES_DIR])
    .split('\0')
    .filter((path) => path !== '')
    .sort();
  const read = (dir: string, extension: string): SourceFile[] =>
    listed
      .filter((path) => path.startsWith(`${dir}/`) && path.endsWith(extension))
      .map((path) => ({ path, text: withoutByteOrderMark(git(root, ['show', `${ref}:./${path}`])) }));
  return {
    root: `${root}@${ref}`,
    schemaFiles: read(SCHEMA_DIR, '.cedarschema'),
    policyFiles: read(POLICIES_DIR, '.cedar'),
    modeFiles: read(MODES_DIR, '.yaml'),
  };
}

function git(cwd: string, args: readonly string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new GitRevisionError(`git ${args.join(' ')} failed in ${cwd}${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
