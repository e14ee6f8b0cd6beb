// The toolkit names no domain: a team replaces the domain paths with its own and finds nothing of the example left in
// the machinery. The names looked for come from the domain itself (its schema's namespace), so this keeps holding
// whatever domain the repository carries.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDomainPath } from '../../common/domain-paths.js';
import { loadSchema } from '../../generator/load/cedar-schema.js';
import { readProjectSources } from '../../generator/load/source-files.js';
import { REPO_ROOT } from '../support/project-copy.js';

/** Outside the domain paths, yet allowed to name the domain, each for its reason. */
const EXCLUDED = [
  // Fixture domains are domains: the repository's own example is frozen among them.
  'tests/fixtures/',
  // Rendered from the domain by `npm run generate`: its policies, schema and mode descriptions. The generator that
  // renders them is checked.
  'generated/',
  // The README may describe the example domain the repository ships with.
  'README.md',
] as const;

function domainNames(): string[] {
  const [schemaFile] = readProjectSources(REPO_ROOT).schemaFiles;
  if (!schemaFile) throw new Error('the repository has no schema under schema/, so its domain has no name to look for');
  const { schema, diagnostics } = loadSchema(schemaFile);
  if (!schema) throw new Error(`the repository's schema does not load: ${diagnostics.map((d) => d.message).join('; ')}`);
  return [schema.namespace];
}

function toolkitFiles(): string[] {
  // Tracked files and new ones not yet committed, so a name is caught before the commit that would add it.
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return [...new Set(listed.split('\0').filter((path) => path !== ''))]
    .filter((path) => !isDomainPath(path) && !EXCLUDED.some((excluded) => path.startsWith(excluded)))
    .sort();
}

/** `path:line: text` for every line naming one of `names`, in any case. */
function findNames(path: string, text: string, names: readonly string[]): string[] {
  if (text.includes('\0')) return [];
  const pattern = new RegExp(names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
  return text.split('\n').flatMap((line, index) => (pattern.test(line) ? [`${path}:${index + 1}: ${line.trim()}`] : []));
}

function readIfPresent(path: string): string {
  try {
    return readFileSync(join(REPO_ROOT, path), 'utf8');
  } catch {
    // Deleted in the working tree but still tracked: nothing to read.
    return '';
  }
}

describe('the toolkit', () => {
  it("names no domain: no file outside the domain paths holds the schema's namespace, in any case", () => {
    const names = domainNames();

    const found = toolkitFiles().flatMap((path) => findNames(path, readIfPresent(path), names));

    expect(found).toEqual([]);
  });
});

describe('findNames', () => {
  it('reports each line naming the domain as path:line, in any case', () => {
    const text = 'const a = 1;\n// see Orders::Item\nconst table = "orders-entities";\n';

    expect(findNames('runtime/x.ts', text, ['Orders'])).toEqual([
      'runtime/x.ts:2: // see Orders::Item',
      'runtime/x.ts:3: const table = "orders-entities";',
    ]);
  });

  it('skips binary files', () => {
    expect(findNames('bench/x.wasm', 'Orders\0', ['Orders'])).toEqual([]);
  });
});
