// Rendering what a store holds as Cedar files: where each @id comes from, how clashes are settled, how a description
// becomes the `///` comment, and which schemas a project cannot take.
import { describe, expect, it } from 'vitest';
import { UnsupportedStoreError } from '../../scripts/import/errors.js';
import { renderPolicies } from '../../scripts/import/render-policies.js';
import { renderSchema } from '../../scripts/import/render-schema.js';

const HEADER = (item: string) =>
  `// Imported by \`npm run import\` from Amazon Verified Permissions\n// policy store PS1, ${item}. The next import replaces this file.\n`;

function render(policies: { storeId: string; statement: string; description?: string }[]) {
  return renderPolicies({
    policyStoreId: 'PS1',
    policies: policies.map((policy) => ({ ...policy, description: policy.description })),
    templates: [],
  }).map(({ path, contents, id, idFrom, documented }) => ({ path, contents, id, idFrom, documented }));
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the @id of an imported policy', () => {
  it("keeps the statement's own @id and writes the description as the doc comment", () => {
    expect(
      render([{ storeId: 'P1', statement: '@id("photo.view")\npermit (principal, action, resource);', description: 'Anyone may.' }]),
    ).toEqual([
      {
        path: 'policies/imported/photo.view.cedar',
        contents: `${HEADER('policy P1')}/// Anyone may.\n@id("photo.view")\npermit (principal, action, resource);\n`,
        id: 'photo.view',
        idFrom: 'statement',
        documented: true,
      },
    ]);
  });

  it('numbers the second policy whose description asks for a taken id, by store id', () => {
    const rendered = render([
      { storeId: 'P2', statement: 'permit (principal, action, resource);', description: 'photo.view' },
      { storeId: 'P1', statement: 'forbid (principal, action, resource);', description: 'photo.view' },
    ]);

    expect(rendered.map(({ path, id, idFrom }) => ({ path, id, idFrom }))).toEqual([
      { path: 'policies/imported/photo.view-2.cedar', id: 'photo.view-2', idFrom: 'description' },
      { path: 'policies/imported/photo.view.cedar', id: 'photo.view', idFrom: 'description' },
    ]);
  });

  it("renames a statement's @id another policy already took, in the annotation itself", () => {
    const rendered = render([
      { storeId: 'P1', statement: '@id("dup")\npermit (principal, action, resource);', description: 'First.' },
      { storeId: 'P2', statement: '@id("dup")\nforbid (principal, action, resource);', description: 'Second.' },
    ]);

    expect(rendered.map(({ path, contents }) => [path, ...contents.split('\n').slice(2, 4)])).toEqual([
      ['policies/imported/dup-2.cedar', '/// Second.', '@id("dup-2")'],
      ['policies/imported/dup.cedar', '/// First.', '@id("dup")'],
    ]);
  });

  it('gives a statement @id that is no plain id a file name of its own', () => {
    expect(
      render([{ storeId: 'P1', statement: '@id("Allow Admins")\npermit (principal, action, resource);', description: 'Admins.' }])[0]?.path,
    ).toBe('policies/imported/allow-admins.cedar');
  });

  it('writes a description of several lines as several `///` lines', () => {
    const [only] = render([{ storeId: 'P1', statement: 'permit (principal, action, resource);', description: 'Line one.\n  Line two.  ' }]);

    expect(only?.contents.split('\n').slice(2, 5)).toEqual(['/// Line one.', '/// Line two.', '@id("permit-any-action-70dc85")']);
  });
});

describe('the schema of an imported store', () => {
  it('keeps `__cedar::` on a builtin the schema shadows with a type of its own', () => {
    const schema = {
      App: {
        commonTypes: { decimal: { type: 'String' } },
        entityTypes: {
          User: { shape: { type: 'Record', attributes: { price: { type: 'decimal' }, score: { type: 'Extension', name: 'decimal' } } } },
        },
        actions: {},
      },
    };

    const rendered = renderSchema('PS1', JSON.stringify(schema));

    expect(rendered.contents.split('\n').filter((line) => line.includes('price') || line.includes('score'))).toEqual([
      '    price: decimal,',
      '    score: __cedar::decimal',
    ]);
  });

  it.each([
    ['several namespaces', { A: { entityTypes: {}, actions: {} }, B: { entityTypes: {}, actions: {} } }, 'declares 2 namespaces (A, B)'],
    ['no namespace', { '': { entityTypes: {}, actions: {} } }, 'declares no named namespace'],
  ])('refuses a schema with %s', (_, schema, reason) => {
    const error = thrownBy(() => renderSchema('PS1', JSON.stringify(schema)));

    expect({ isUnsupportedStore: error instanceof UnsupportedStoreError, message: error instanceof Error ? error.message : error }).toEqual(
      {
        isUnsupportedStore: true,
        message: `the schema of policy store PS1 ${reason}; a project holds one schema with exactly one namespace`,
      },
    );
  });

  it('names the file after the namespace in lower kebab case', () => {
    const rendered = renderSchema('PS1', JSON.stringify({ 'Acme::PhotoFlash': { entityTypes: {}, actions: {} } }));

    expect({ path: rendered.path, namespace: rendered.namespace }).toEqual({
      path: 'schema/acme-photo-flash.cedarschema',
      namespace: 'Acme::PhotoFlash',
    });
  });
});
