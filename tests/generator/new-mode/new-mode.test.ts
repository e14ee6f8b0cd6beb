// `npm run new-mode` writes a mode that validates on any domain: every API × identity combination, on scratch copies
// of the fixture domains, checked by `npm run validate` itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, parseDocument, visit } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../generator/diagnostics/diagnostic.js';
import { createMode } from '../../../generator/new-mode/new-mode.js';
import { NEW_MODE_APIS, NEW_MODE_IDENTITIES } from '../../../generator/new-mode/options.js';
import type { FixtureDomainName } from '../../support/fixture-domain.js';
import { copyProject, REPO_ROOT, type ProjectCopy } from '../../support/project-copy.js';

const COMBINATIONS = NEW_MODE_APIS.flatMap((api) => NEW_MODE_IDENTITIES.map((identity) => ({ api, identity, name: `${api}-${identity}` })));
const DOMAINS: readonly FixtureDomainName[] = ['research-archive', 'billing'];

function npm(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('npm', ['run', '-s', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe.each(DOMAINS)('new-mode on a copy of %s', (domain) => {
  let project: ProjectCopy;
  let validation: { status: number | null; diagnostics: readonly Diagnostic[] };

  beforeAll(() => {
    project = copyProject({ domain });
    for (const { api, identity, name } of COMBINATIONS) createMode({ root: project.root, name, api, identity });
    const run = npm(['validate', '--', '--root', project.root, '--format', 'json']);
    validation = { status: run.status, diagnostics: (JSON.parse(run.stdout) as { diagnostics: Diagnostic[] }).diagnostics };
  }, 120_000);
  afterAll(() => project.remove());

  it('leaves a project that npm run validate accepts: exit 0', () => {
    expect(validation.status).toBe(0);
  });

  it.each(COMBINATIONS)('writes modes/$name.yaml ($api, $identity) with no error and no warning', ({ name }) => {
    expect(validation.diagnostics.filter((finding) => finding.file === `modes/${name}.yaml`)).toEqual([]);
  });

  it.each(COMBINATIONS)('comments every field of modes/$name.yaml and starts with the schema line', ({ name }) => {
    const text = readFileSync(join(project.root, 'modes', `${name}.yaml`), 'utf8');
    const uncommented: string[] = [];
    visit(parseDocument(text), {
      Pair(_, pair, path) {
        const parent = path.at(-1);
        // YAML attaches the comment of a list item's first field to the item itself.
        const itemComment = isMap(parent) && parent.items[0] === pair ? parent.commentBefore : undefined;
        const key = pair.key as { value?: unknown; commentBefore?: string | null } | null;
        if (!key?.commentBefore && !itemComment) uncommented.push(String(key?.value));
      },
    });

    expect({ firstLine: text.split('\n')[0], uncommented }).toEqual({
      firstLine: '# yaml-language-server: $schema=../generator/schemas/mode.schema.json',
      uncommented: [],
    });
  });
});

describe('the example route', () => {
  it("uses the schema's first action that needs no context, with its first principal and resource types", () => {
    const project = copyProject({ domain: 'research-archive' });
    try {
      const { example } = createMode({ root: project.root, name: 'browse', api: 'http', identity: 'oidc' });

      expect([example.action.id, example.principal.name, example.resource.name]).toEqual([
        'BrowseFolder',
        'Archive::Curator',
        'Archive::Folder',
      ]);
    } finally {
      project.remove();
    }
  });
});

describe('npm run new-mode', () => {
  let project: ProjectCopy;
  beforeAll(() => {
    project = copyProject({ domain: 'research-archive' });
  });
  afterAll(() => project.remove());

  it('refuses to overwrite an existing mode: exit 1, a clear message, the file untouched', () => {
    const before = readFileSync(join(project.root, 'modes/lab.yaml'), 'utf8');

    const run = npm(['new-mode', '--', 'lab', '--api', 'rest', '--identity', 'cognito', '--root', project.root]);

    expect({
      status: run.status,
      stderr: run.stderr,
      unchanged: readFileSync(join(project.root, 'modes/lab.yaml'), 'utf8') === before,
    }).toEqual({
      status: 1,
      stderr: 'new-mode: modes/lab.yaml already exists; nothing was written (choose another name, or edit that file)\n',
      unchanged: true,
    });
  }, 60_000);

  it.each([
    [
      ['Orders', '--api', 'rest', '--identity', 'oidc'],
      'the mode name "Orders" must start with a lower-case letter and hold only a-z, 0-9 and -',
    ],
    [['orders', '--api', 'grpc', '--identity', 'oidc'], 'unknown --api "grpc"; use one of rest, http, websocket'],
    [
      ['orders', '--api', 'rest', '--identity', 'odic'],
      'unknown --identity "odic"; use one of cognito, oidc, client-credentials (did you mean oidc?)',
    ],
    [['orders', '--api', 'rest'], '--identity is required: one of cognito, oidc, client-credentials'],
    [['--api', 'rest', '--identity', 'oidc'], '1 argument missing'],
  ])(
    'refuses %j as a usage error: exit 2, the reason and the usage',
    (args, reason) => {
      const run = npm(['new-mode', '--', ...args, '--root', project.root]);

      expect({ status: run.status, firstLine: run.stderr.split('\n')[0], usage: run.stderr.includes('usage: npm run new-mode') }).toEqual({
        status: 2,
        firstLine: `new-mode: ${reason}`,
        usage: true,
      });
    },
    60_000,
  );
});
