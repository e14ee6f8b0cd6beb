import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/project-copy.js';
import { startImportWorld, type ImportWorld } from './support/import-project.js';
import { runTsx } from '../support/run-tsx.js';

/** The least a mode needs: one route, its principal from an OIDC token, the imported policies decided by AVP. */
const PHOTOS_MODE = `# yaml-language-server: $schema=../generator/schemas/mode.schema.json
name: photos
description: Photo viewers signed in with the company's OIDC provider; AVP decides with the imported policies.

api:
  type: http
  authorizer: request

identitySource:
  kind: oidc
  issuer: https://login.example.com/oauth2/photos
  jwksUri: https://login.example.com/oauth2/photos/v1/keys
  audience: api://photos
  issuerEnv: PHOTOS_ISSUER

claims:
  principal:
    entityType: PhotoFlash::User
    idClaim: sub
  attributes:
    - claim: department
      attribute: department
      type: String
  groups:
    claim: groups
    entityType: PhotoFlash::UserGroup

routes:
  - method: GET
    path: /photos/{photoId}
    action: ViewPhoto
    resource: { type: PhotoFlash::Photo, pathParameter: photoId }
  - method: DELETE
    path: /photos/{photoId}
    action: DeletePhoto
    resource: { type: PhotoFlash::Photo, pathParameter: photoId }
  - method: GET
    path: /albums/{albumId}
    action: ViewAlbum
    resource: { type: PhotoFlash::Album, pathParameter: albumId }

cache:
  ttlSeconds: 60

timeouts:
  engineMs: 1500
  jwksMs: 1500
  entityStoreMs: 500

engine:
  kind: avp
  policyStore:
    id: PSphotosPlaceholder
    env: POLICY_STORE_ID
  maxRetries: 2

tenancy:
  kind: single

entityStore:
  table: photo-entities
  tableEnv: ENTITY_TABLE
  keyAttribute: uid
  cacheTtlSeconds: 5

policies: [imported]

lambda:
  memoryMb: 512
  timeoutSeconds: 5
  logRetentionDays: 30

backend:
  kind: http
  url: https://photos.internal.example.com
`;

let world: ImportWorld;
let root: string;
beforeAll(async () => {
  world = await startImportWorld();
  root = world.newProject();
  const run = await world.importInto(root);
  if (run.exitCode !== 0) throw new Error(`the import failed: ${run.stderr}`);
  mkdirSync(join(root, 'modes'));
  writeFileSync(join(root, 'modes/photos.yaml'), PHOTOS_MODE);
  // The project's own settings are the toolkit's, not the store's: the scratch project takes the repository's.
  if (existsSync(join(REPO_ROOT, 'project.yaml'))) copyFileSync(join(REPO_ROOT, 'project.yaml'), join(root, 'project.yaml'));
});
afterAll(() => world.close());

describe('an imported store in a project with one mode', () => {
  it('validates with no diagnostic at all', () => {
    const run = runTsx('generator/cli/validate.ts', ['--root', root, '--format', 'json']);

    expect({
      status: run.status,
      diagnostics: (JSON.parse(run.stdout) as { diagnostics: unknown[] }).diagnostics,
      stderr: run.stderr,
    }).toEqual({
      status: 0,
      diagnostics: [],
      stderr: '',
    });
  }, 60_000);

  it('has every Cedar file formatted as `npm run fmt` formats it', () => {
    const run = runTsx('policy-testing/cli/fmt.ts', ['--check', '--root', root]);

    expect(run).toEqual({ status: 0, stdout: '5 Cedar files formatted (lineWidth 80, indentWidth 2)\n', stderr: '' });
  }, 60_000);
});
