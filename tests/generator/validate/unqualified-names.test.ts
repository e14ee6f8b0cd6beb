// A policy written as Cedar's examples are (`Action::"view"`) against a schema with a namespace: validate's hint
// names the qualified action, where cedar-wasm's own guess names another one.
import { validate } from '@cedar-policy/cedar-wasm/nodejs';
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
  it('gets from cedar-wasm a nearest-spelling guess that changes from call to call, naming another action too', () => {
    // The guess depends on cedar-wasm's hash order, which moves with every call: 50 calls see both answers.
    const guesses = new Set<string>();
    for (let call = 0; call < 50; call++) {
      const answer = validate({
        schema: SCHEMA,
        policies: { staticPolicies: { p: POLICY }, templates: {} },
        validationSettings: { mode: 'strict' },
      });
      for (const error of answer.type === 'success' ? answer.validationErrors : []) guesses.add(error.error.help ?? '');
    }

    expect([...guesses].sort()).toEqual(['did you mean `PhotoApp::Action::"a"`?', 'did you mean `PhotoApp::Action::"view"`?']);
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
