// `npm run import` writes a store's schema, static policies and templates as this project's Cedar files, and lists the
// template-linked policies and the policies nobody described. Runs against the local AVP endpoint through the real SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startImportWorld, readProject, type ImportWorld } from './support/import-project.js';
import type { ImportRun } from './support/run-import.js';

let world: ImportWorld;
let root: string;
let run: ImportRun;
beforeAll(async () => {
  world = await startImportWorld();
  root = world.newProject();
  run = await world.importInto(root);
});
afterAll(() => world.close());

function header(item?: string): string {
  return (
    '// Imported by `npm run import` from Amazon Verified Permissions\n' +
    `// policy store ${world.store.policyStoreId}${item === undefined ? '' : `, ${item}`}. The next import replaces this file.`
  );
}

describe('importing a policy store into an empty project', () => {
  it('writes the schema in Cedar form, one file per static policy and one per template, formatted', () => {
    const { ids } = world.store;

    expect(readProject(root)).toEqual({
      'schema/photo-flash.cedarschema': `${header()}
namespace PhotoFlash {
  entity Album;

  entity Photo in [Album] = {
    owner: User,
    private: Bool
  };

  entity User in [UserGroup] = {
    department: String,
    jobLevel?: Long
  };

  entity UserGroup;

  action "DeletePhoto" appliesTo {
    principal: [User],
    resource: [Photo]
  };

  action "ViewAlbum" appliesTo {
    principal: [User],
    resource: [Album]
  };

  action "ViewPhoto" appliesTo {
    principal: [User],
    resource: [Photo]
  };
}
`,
      'policies/imported/album.view-any.cedar': `${header(`policy ${ids.albumsPublic}`)}
/// Every album is public; its photos decide for themselves.
@id("album.view-any")
permit (
  principal,
  action == PhotoFlash::Action::"ViewAlbum",
  resource
);
`,
      'policies/imported/forbid-view-photo-cee029.cedar': `${header(`policy ${ids.privateForbid}`)}
/// Undocumented in the policy store (no description): say here why this policy exists.
@id("forbid-view-photo-cee029")
forbid (
  principal,
  action == PhotoFlash::Action::"ViewPhoto",
  resource
)
when { resource.private }
unless { resource.owner == principal };
`,
      'policies/imported/permit-view-photo-f5297a.cedar': `${header(`policy ${ids.adminsView}`)}
/// Members of the admins group may view every photo.
@id("permit-view-photo-f5297a")
permit (
  principal in PhotoFlash::UserGroup::"admins",
  action == PhotoFlash::Action::"ViewPhoto",
  resource
);
`,
      'policies/imported/photo.owner-delete.cedar': `${header(`policy ${ids.ownerDelete}`)}
/// Undocumented in the policy store (no description): say here why this policy exists.
@id("photo.owner-delete")
permit (
  principal,
  action == PhotoFlash::Action::"DeletePhoto",
  resource
)
when { resource.owner == principal };
`,
      'policies/imported/templates/permit-view-photo-e8458b.cedar': `${header(`template ${ids.shareAlbum}`)}
/// Shares the photos of one album with one user.
@id("permit-view-photo-e8458b")
permit (
  principal == ?principal,
  action == PhotoFlash::Action::"ViewPhoto",
  resource in ?resource
);
`,
    });
  });

  it('prints every file it wrote, the template-linked policies it left in the store and the policies to describe', () => {
    const { policyStoreId, ids } = world.store;

    expect(run).toEqual({
      exitCode: 0,
      stdout: [
        `policy store ${policyStoreId}: namespace PhotoFlash, 4 static policies, 1 template, 1 template-linked policy`,
        '  created   policies/imported/album.view-any.cedar',
        '  created   policies/imported/forbid-view-photo-cee029.cedar',
        '  created   policies/imported/permit-view-photo-f5297a.cedar',
        '  created   policies/imported/photo.owner-delete.cedar',
        '  created   policies/imported/templates/permit-view-photo-e8458b.cedar',
        '  created   schema/photo-flash.cedarschema',
        '1 template-linked policy stays in the store (links are data, made at run time; they are not written as policies):',
        `  ${ids.bobTripLink}: template permit-view-photo-e8458b (principal PhotoFlash::User::"bob", resource PhotoFlash::Album::"trip")`,
        '2 policies have no description of why they exist (none in the store, or only an id); ' +
          'describe each in the store, or in its `///` comment once these files are your source:',
        `  policies/imported/forbid-view-photo-cee029.cedar (policy ${ids.privateForbid})`,
        `  policies/imported/photo.owner-delete.cedar (policy ${ids.ownerDelete})`,
        'created 6, updated 0, unchanged 0, removed 0',
        '',
      ].join('\n'),
      stderr: '',
    });
  });
});
