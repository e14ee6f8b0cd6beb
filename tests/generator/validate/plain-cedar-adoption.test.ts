// Adopting plain Cedar, as Cedar's public examples are written (a schema without a namespace, policies without @id
// or `///`, unqualified names), by following validate's hints: each step applies exactly what a hint says.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../generator/diagnostics/diagnostic.js';
import { readProjectSources } from '../../../generator/load/source-files.js';
import { validateProject, type ValidationResult } from '../../../generator/validate/project.js';
import { REPO_ROOT } from '../../support/project-copy.js';

// Action `a` is there because a short action id is what cedar-wasm's own guess for `Action::"view"` can name.
const SCHEMA = `// A photo-sharing app, after Cedar's PhotoFlash example.

entity User in [UserGroup] {
  department: String,
};
entity UserGroup;
entity Album in [Album];
entity Photo in [Album] {
  owner: User,
  private: Bool,
};

action view, edit, delete appliesTo {
  principal: User,
  resource: Photo,
};
action a appliesTo {
  principal: User,
  resource: Album,
};
`;

const POLICIES = `// Alice's vacation album is hers to view.
permit (
  principal == User::"alice",
  action == Action::"view",
  resource in Album::"vacation"
);

// Owners edit and delete their own photos.
permit (
  principal,
  action in [Action::"edit", Action::"delete"],
  resource
)
when { resource.owner == principal };
`;

// The smallest mode: one route, claims for the principal's one attribute, written with the same unqualified names.
const MODE = `# yaml-language-server: $schema=../generator/schemas/mode.schema.json
name: web
description: The photo app's web API.
api:
  type: http
  authorizer: request
  tokenHeader: Authorization
identitySource:
  kind: oidc
  issuer: https://issuer.example.com
  audience: photo-app
  jwksUri: https://issuer.example.com/.well-known/jwks.json
claims:
  principal:
    entityType: User
    idClaim: sub
  attributes:
    - claim: department
      attribute: department
      type: String
routes:
  - method: GET
    path: /photos/{photoId}
    action: Action::"view"
    resource: { type: Photo, pathParameter: photoId }
cache:
  ttlSeconds: 0
timeouts:
  engineMs: 1500
  jwksMs: 1500
  entityStoreMs: 500
engine:
  kind: local
tenancy:
  kind: single
entityStore:
  table: photo-entities
  keyAttribute: uid
policies: [photos.cedar]
lambda:
  memoryMb: 256
  timeoutSeconds: 5
  logRetentionDays: 30
backend:
  kind: http
  url: https://photos.internal.example.com
`;

const SCHEMA_FILE = 'schema/photo-app.cedarschema';
const POLICY_FILE = 'policies/photos.cedar';
const MODE_FILE = 'modes/web.yaml';

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'plain-cedar-'));
  for (const dir of ['schema', 'policies', 'modes']) mkdirSync(join(root, dir));
  writeFileSync(join(root, SCHEMA_FILE), SCHEMA);
  writeFileSync(join(root, POLICY_FILE), POLICIES);
  writeFileSync(join(root, MODE_FILE), MODE);
  // Project settings are the toolkit's, not the domain's.
  cpSync(join(REPO_ROOT, 'project.yaml'), join(root, 'project.yaml'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function validate(): ValidationResult {
  return validateProject(readProjectSources(root));
}

function brief(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.code}: ${d.hint}`;
}

const read = (file: string): string => readFileSync(join(root, file), 'utf8');

/** Replaces `written` with `qualified` where the diagnostic points, as a person following the hint would. */
function applyRewrite(d: Diagnostic): void {
  const rewrite = /^Write `([^`]+)` instead of `([^`]+)`/.exec(d.hint);
  if (!rewrite?.[1] || !rewrite[2]) throw new Error(`not a rewrite hint: ${brief(d)}`);
  const lines = read(d.file).split('\n');
  const line = lines[d.line - 1] ?? '';
  const at = d.column - 1;
  if (line.slice(at, at + rewrite[2].length) !== rewrite[2]) throw new Error(`\`${rewrite[2]}\` is not at ${brief(d)}`);
  lines[d.line - 1] = line.slice(0, at) + rewrite[1] + line.slice(at + rewrite[2].length);
  writeFileSync(join(root, d.file), lines.join('\n'));
}

describe('adopting a plain Cedar domain by following the hints', () => {
  it('step 1: validate asks for the namespace wrapping, an @id (from fmt --fix) and a `///` comment on each policy', () => {
    const result = validate();

    // The mode's names are checked against the schema once it loads (step 2).
    expect(result.diagnostics.filter((d) => d.file !== MODE_FILE).map(brief)).toEqual([
      `${POLICY_FILE}:2:1 POLICY_MISSING_DOC: Add a \`/// why this policy exists\` comment above it; \`npm run fmt -- --fix\` adds the ` +
        `@id, not the comment.`,
      `${POLICY_FILE}:2:1 POLICY_MISSING_ID: Run \`npm run fmt -- --fix\`: it adds an @id derived from the file and the policy scope. Or ` +
        `add a unique \`@id("area.what-it-allows")\` line above the policy; tests and stacks refer to it.`,
      `${POLICY_FILE}:9:1 POLICY_MISSING_DOC: Add a \`/// why this policy exists\` comment above it; \`npm run fmt -- --fix\` adds the ` +
        `@id, not the comment.`,
      `${POLICY_FILE}:9:1 POLICY_MISSING_ID: Run \`npm run fmt -- --fix\`: it adds an @id derived from the file and the policy scope. Or ` +
        `add a unique \`@id("area.what-it-allows")\` line above the policy; tests and stacks refer to it.`,
      `${SCHEMA_FILE}:3:1 CEDAR_SCHEMA_NAMESPACE: Wrap the schema in \`namespace PhotoApp { ... }\`: add the line \`namespace PhotoApp ` +
        `{\` above line 3 and the line \`}\` after the last declaration; policies and modes then name \`PhotoApp::<EntityType>\` and ` +
        `\`PhotoApp::Action::"<id>"\`.`,
    ]);
  });

  it('step 2: once the schema is wrapped as hinted, every unqualified name gets the qualified name to write', () => {
    const wrap = validate().diagnostics.find((d) => d.code === 'CEDAR_SCHEMA_NAMESPACE');
    const where = /add the line `([^`]+)` above line (\d+)/.exec(wrap?.hint ?? '');
    if (!where?.[1] || !where[2]) throw new Error(`no wrapping hint: ${wrap?.hint}`);
    const lines = read(SCHEMA_FILE).split('\n');
    lines.splice(Number(where[2]) - 1, 0, where[1]);
    writeFileSync(join(root, SCHEMA_FILE), `${lines.join('\n')}}\n`);

    const rewrites = validate().diagnostics.filter((d) => d.hint.startsWith('Write '));

    expect(rewrites.map(brief)).toEqual([
      `${MODE_FILE}:15:17 MODE_INVALID_VALUE: Write \`PhotoApp::User\` instead of \`User\`: the schema declares it in namespace PhotoApp.`,
      `${MODE_FILE}:24:13 MODE_INVALID_VALUE: Write \`view\` instead of \`Action::"view"\`: mode files name an action by its id alone.`,
      `${MODE_FILE}:25:23 MODE_INVALID_VALUE: Write \`PhotoApp::Photo\` instead of \`Photo\`: the schema declares it in namespace ` +
        `PhotoApp.`,
      `${POLICY_FILE}:3:16 CEDAR_POLICY_INVALID: Write \`PhotoApp::User\` instead of \`User\`: the schema declares it in namespace ` +
        `PhotoApp.`,
      `${POLICY_FILE}:4:13 CEDAR_POLICY_INVALID: Write \`PhotoApp::Action::"view"\` instead of \`Action::"view"\`: the schema declares ` +
        `it in namespace PhotoApp.`,
      `${POLICY_FILE}:5:15 CEDAR_POLICY_INVALID: Write \`PhotoApp::Album\` instead of \`Album\`: the schema declares it in namespace ` +
        `PhotoApp.`,
      `${POLICY_FILE}:11:14 CEDAR_POLICY_INVALID: Write \`PhotoApp::Action::"edit"\` instead of \`Action::"edit"\`: the schema declares ` +
        `it in namespace PhotoApp.`,
      `${POLICY_FILE}:11:30 CEDAR_POLICY_INVALID: Write \`PhotoApp::Action::"delete"\` ` +
        `instead of \`Action::"delete"\`: the schema declares it in namespace PhotoApp.`,
    ]);
  });

  it('step 3: with the names rewritten as hinted and `npm run fmt -- --fix` run, only the `///` comments are missing', () => {
    // Right to left on each line, so a rewrite never moves the column of the next one.
    const rewrites = validate().diagnostics.filter((d) => d.hint.startsWith('Write '));
    for (const d of [...rewrites].reverse()) applyRewrite(d);

    const fmt = spawnSync(process.execPath, ['--import', 'tsx', 'policy-testing/cli/fmt.ts', '--fix', '--root', root], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });

    expect({ status: fmt.status, stdout: fmt.stdout }).toEqual({
      status: 0,
      stdout:
        'policies/photos.cedar:2: added @id("photos.permit-user-alice-view-in-album-vacation")\n' +
        'policies/photos.cedar:10: added @id("photos.permit-edit-delete")\n' +
        'formatted 0 of 1 Cedar files (lineWidth 80, indentWidth 2)\n' +
        'added 2 @id annotations\n',
    });
    expect(validate().diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual([
      `${POLICY_FILE}:2:1 POLICY_MISSING_DOC`,
      `${POLICY_FILE}:10:1 POLICY_MISSING_DOC`,
    ]);
  });

  it('step 4: with a `///` comment written above each policy, the domain validates clean', () => {
    const documented = read(POLICY_FILE).replace(/^\/\/ (.*)\n@id/gm, '/// $1\n@id');
    writeFileSync(join(root, POLICY_FILE), documented);

    const result = validate();

    expect({ diagnostics: result.diagnostics.map(brief), policies: result.project?.policies.map((p) => p.id) }).toEqual({
      diagnostics: [],
      policies: ['photos.permit-user-alice-view-in-album-vacation', 'photos.permit-edit-delete'],
    });
  });
});
