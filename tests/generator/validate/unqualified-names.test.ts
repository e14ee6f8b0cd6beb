// A policy written as Cedar's examples are (`Action::"view"`) against a schema with a namespace: validate's hint
// names the qualified action, where cedar-wasm's own guess names another one.
import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../../generator/load/cedar-policies.js';
import { loadSchema } from '../../../generator/load/cedar-schema.js';
import { checkPolicies } from '../../../generator/validate/policies.js';

const SCHEMA = `namespace PhotoApp {
  entity User;
  entity Photo;
  action view, edit appliesTo { principal: User, resource: Photo };
  action a appliesTo { principal: User, resource: Photo };
}
`;
const POLICY = '/// Anyone views.\n@id("photos.view")\npermit (principal, action == Action::"view", resource);\n';

describe('an action written without its namespace', () => {
  it('gets the same hint on every run, although the nearest-spelling guess of cedar-wasm moves with its hash order', () => {
    // cedar-wasm's guess for `Action::"view"` is sometimes `PhotoApp::Action::"a"`: the hint must not come from it.
    const { schema } = loadSchema({ path: 'schema/photo-app.cedarschema', text: SCHEMA });
    const hints = new Set<string | undefined>();
    for (let run = 0; run < 30; run++) {
      const { policies } = loadPolicyFile({ path: 'policies/photos.cedar', text: POLICY });
      for (const diagnostic of checkPolicies(policies, schema)) hints.add(diagnostic.hint);
    }

    expect([...hints]).toEqual([
      'Write `PhotoApp::Action::"view"` instead of `Action::"view"`: the schema declares it in namespace PhotoApp.',
    ]);
  });

  it('gets a hint naming the same action with the namespace', () => {
    const { schema } = loadSchema({ path: 'schema/photo-app.cedarschema', text: SCHEMA });
    const { policies } = loadPolicyFile({ path: 'policies/photos.cedar', text: POLICY });

    const diagnostics = checkPolicies(policies, schema);

    expect(diagnostics.map((d) => ({ at: `${d.line}:${d.column}`, code: d.code, message: d.message, hint: d.hint }))).toEqual([
      {
        at: '3:30',
        code: 'CEDAR_POLICY_INVALID',
        message: 'policy "photos.view": unrecognized action `Action::"view"`',
        hint: 'Write `PhotoApp::Action::"view"` instead of `Action::"view"`: the schema declares it in namespace PhotoApp.',
      },
    ]);
  });
});
