// Running the import again: an unchanged store changes no byte, a changed one updates or removes only the files an
// import wrote, and hand-written files are never touched (a hand-written file in the way stops the import).
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreatePolicyCommand, DeletePolicyCommand } from '@aws-sdk/client-verifiedpermissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProject, startImportWorld, type ImportWorld } from './support/import-project.js';
import { createPhotoStore } from './support/photo-store.js';

let world: ImportWorld;
beforeAll(async () => {
  world = await startImportWorld();
});
afterAll(() => world.close());

const HAND_WRITTEN = '/// Written by the team.\n@id("team.extra")\npermit (principal, action, resource);\n';

describe('a second import of an unchanged store', () => {
  it('writes nothing, leaves every file byte-identical and says "unchanged"', async () => {
    const root = world.newProject();
    await world.importInto(root);
    const before = readProject(root);
    const modified = statSync(join(root, 'schema/photo-flash.cedarschema')).mtimeMs;

    const again = await world.importInto(root);

    expect({
      exitCode: again.exitCode,
      lastLine: again.stdout.trimEnd().split('\n').at(-1),
      statuses: again.stdout.split('\n').filter((line) => line.startsWith('  unchanged ')).length,
      files: readProject(root),
      schemaModified: statSync(join(root, 'schema/photo-flash.cedarschema')).mtimeMs,
    }).toEqual({
      exitCode: 0,
      lastLine: 'unchanged: all 6 imported files already match the store',
      statuses: 6,
      files: before,
      schemaModified: modified,
    });
  });
});

describe('an import after the store changed', () => {
  it('removes the files of policies the store no longer holds, creates the new ones, and keeps hand-written files', async () => {
    // A store of its own: the other tests import the shared one unchanged.
    const { policyStoreId, ids } = await createPhotoStore(world.client);
    const root = world.newProject();
    await world.importInto(root, policyStoreId);
    mkdirSync(join(root, 'policies/team'), { recursive: true });
    writeFileSync(join(root, 'policies/team/extra.cedar'), HAND_WRITTEN);
    writeFileSync(join(root, 'policies/imported/notes.cedar'), HAND_WRITTEN.replace('team.extra', 'team.notes'));
    await world.client.send(new DeletePolicyCommand({ policyStoreId, policyId: ids.privateForbid }));
    const added = await world.client.send(
      new CreatePolicyCommand({
        policyStoreId,
        definition: {
          static: {
            statement: 'forbid (principal, action == PhotoFlash::Action::"DeletePhoto", resource);',
            description: 'photo.no-delete',
          },
        },
      }),
    );

    const after = await world.importInto(root, policyStoreId);
    const files = readProject(root);

    expect({
      exitCode: after.exitCode,
      changes: after.stdout.split('\n').filter((line) => /^ {2}(created|updated|removed) /.test(line)),
      lastLine: after.stdout.trimEnd().split('\n').at(-1),
      paths: Object.keys(files).sort(),
      handWritten: [files['policies/team/extra.cedar'], files['policies/imported/notes.cedar']],
      newPolicyHeader: files['policies/imported/photo.no-delete.cedar']?.split('\n')[1],
    }).toEqual({
      exitCode: 0,
      changes: ['  removed   policies/imported/forbid-view-photo-cee029.cedar', '  created   policies/imported/photo.no-delete.cedar'],
      lastLine: 'created 1, updated 0, unchanged 5, removed 1',
      paths: [
        'policies/imported/album.view-any.cedar',
        'policies/imported/notes.cedar',
        'policies/imported/permit-view-photo-f5297a.cedar',
        'policies/imported/photo.no-delete.cedar',
        'policies/imported/photo.owner-delete.cedar',
        'policies/imported/templates/permit-view-photo-e8458b.cedar',
        'policies/team/extra.cedar',
        'schema/photo-flash.cedarschema',
      ],
      handWritten: [HAND_WRITTEN, HAND_WRITTEN.replace('team.extra', 'team.notes')],
      newPolicyHeader: `// policy store ${policyStoreId}, policy ${added.policyId}. The next import replaces this file.`,
    });
  });

  it('updates an imported file someone edited, back to what the store holds', async () => {
    const root = world.newProject();
    await world.importInto(root);
    const path = 'policies/imported/album.view-any.cedar';
    const imported = readProject(root)[path];
    writeFileSync(join(root, path), `${imported}\n// a local edit\n`);

    const again = await world.importInto(root);

    expect({ line: again.stdout.split('\n').find((line) => line.endsWith(path)), text: readProject(root)[path] }).toEqual({
      line: `  updated   ${path}`,
      text: imported,
    });
  });
});

describe('a hand-written file in the way', () => {
  it('stops the import before it writes anything when a hand-written file sits where an imported policy goes', async () => {
    const root = world.newProject();
    mkdirSync(join(root, 'policies/imported'), { recursive: true });
    writeFileSync(join(root, 'policies/imported/album.view-any.cedar'), HAND_WRITTEN);

    const run = await world.importInto(root);

    expect({ run, files: readProject(root) }).toEqual({
      run: {
        exitCode: 1,
        stdout: '',
        stderr:
          'npm run import: policies/imported/album.view-any.cedar would replace a hand-written file: nothing was written; ' +
          'move it out of the way and run the import again\n',
      },
      files: { 'policies/imported/album.view-any.cedar': HAND_WRITTEN },
    });
  });

  it('stops the import when schema/ holds a hand-written schema, since a project holds exactly one', async () => {
    const root = world.newProject();
    mkdirSync(join(root, 'schema'));
    writeFileSync(join(root, 'schema/app.cedarschema'), 'namespace App { entity User; }\n');

    const run = await world.importInto(root);

    expect({ run, files: Object.keys(readProject(root)) }).toEqual({
      run: {
        exitCode: 1,
        stdout: '',
        stderr:
          'npm run import: schema/app.cedarschema is a hand-written schema and a project holds one: nothing was written; ' +
          'move it out of the way and run the import again\n',
      },
      files: ['schema/app.cedarschema'],
    });
  });
});
