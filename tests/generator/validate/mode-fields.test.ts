// Mode fields that make a finding disappear: the corpus holds what is refused, these are what is accepted.
import { afterEach, describe, expect, it } from 'vitest';
import { readProjectSources } from '../../../generator/load/source-files.js';
import { toModeConfig } from '../../../generator/model/mode-config.js';
import { validateProject } from '../../../generator/validate/project.js';
import { materializeCase, removeCase, type CaseEdit } from './corpus/cases.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) removeCase(root);
});

function validateWith(edits: readonly CaseEdit[]) {
  const root = materializeCase({ name: 'accepted', title: 'accepted', edits, expect: [] });
  roots.push(root);
  return validateProject(readProjectSources(root));
}

describe('mode fields that satisfy a check', () => {
  it('a principal completed from the entity store needs no claim for its required attributes', () => {
    // arrange: m2m loses the claim that fills Billing::Service.clientId, and reads the principal from the store
    const edits: CaseEdit[] = [
      { file: 'modes/m2m.yaml', from: '    - claim: client_id\n      attribute: clientId\n      type: String\n', to: '' },
      { file: 'modes/m2m.yaml', from: '    idClaim: client_id\n', to: '    idClaim: client_id\n    fromStore: { wins: token }\n' },
    ];

    // act
    const result = validateWith(edits);

    // assert
    expect(result.diagnostics).toEqual([]);
  });

  it('decision records validate when every redacted claim is one the mode reads (an attribute claim, a context claim)', () => {
    // arrange
    const edits: CaseEdit[] = [
      { file: 'modes/customer.yaml', insert: 'decisionRecords:\n  enabled: true\n  redactClaims: [email, custom:approver_id]\n' },
    ];

    // act
    const result = validateWith(edits);

    // assert
    expect(result.diagnostics).toEqual([]);
    const customer = result.project?.modes.find((loaded) => loaded.mode.name === 'customer');
    expect(customer && toModeConfig(customer.mode, 'Billing').decisionRecords).toEqual({ redactClaims: ['custom:approver_id', 'email'] });
  });

  it('a local mode bundling templates validates once it declares a template-link table', () => {
    // arrange
    const edits: CaseEdit[] = [
      { file: 'modes/customer.yaml', from: 'policies: [customer, shared]\n', to: 'policies: [customer, shared, tenant]\n' },
      {
        file: 'modes/customer.yaml',
        insert: 'templateLinks:\n  table: billing-template-links\n  tableEnv: TEMPLATE_LINK_TABLE\n  keyAttribute: uid\n',
      },
    ];

    // act
    const result = validateWith(edits);

    // assert
    expect(result.diagnostics).toEqual([]);
  });

  it('a local mode may ask the stack for a policy store it never reads (`engine.policyStore: deploy`)', () => {
    // arrange
    const edits: CaseEdit[] = [
      { file: 'modes/customer.yaml', from: 'engine:\n  kind: local\n', to: 'engine:\n  kind: local\n  policyStore: deploy\n' },
    ];

    // act
    const result = validateWith(edits);

    // assert
    expect(result.diagnostics).toEqual([]);
  });
});
