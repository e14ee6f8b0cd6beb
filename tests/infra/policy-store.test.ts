import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProject } from '../../generator/generate.js';
import { AuthorizerModeStack } from '../../infra/authorizer-mode-stack.js';
import { policyLogicalId } from '../../infra/logical-id.js';
import { ModePolicyStore } from '../../infra/policy-store.js';
import type { ModeConfig, PolicyBundle } from '../../runtime/config.js';
import { copyProject } from '../support/project-copy.js';
import { SYNTH_CONTEXT, bareStack, logicalIdOfOnly } from './support/synthesized-app.js';
import { billingProject } from './support/billing-project.js';
import { TEST_PROJECT } from './support/test-project.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER_MODE, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');
const { MODE_CONFIG: INTERNAL_MODE, POLICY_BUNDLE: INTERNAL_BUNDLE } = fixtureMode('billing', 'internal');
const { MODE_CONFIG: M2M_MODE, POLICY_BUNDLE: M2M_BUNDLE } = fixtureMode('billing', 'm2m');
const { MODE_CONFIG: TENANT_MODE, POLICY_BUNDLE: TENANT_BUNDLE } = fixtureMode('billing', 'multi-tenant');
/** The generated authorizer entries the stacks point at: the billing fixture generated into a scratch project. */
const BILLING = billingProject();

const MODES: readonly { mode: ModeConfig; bundle: PolicyBundle }[] = [
  { mode: CUSTOMER_MODE, bundle: CUSTOMER_BUNDLE },
  { mode: INTERNAL_MODE, bundle: INTERNAL_BUNDLE },
  { mode: M2M_MODE, bundle: M2M_BUNDLE },
  { mode: TENANT_MODE, bundle: TENANT_BUNDLE },
];

/**
 * The whole mode stack, as generated/<mode>/stack.ts builds it, from any bundle. A local-engine mode (customer) asks
 * for its policy store here (`engine.policyStore: deploy`), so its policies are deployed to AVP.
 */
function modeStackTemplate(mode: ModeConfig, bundle: PolicyBundle): Template {
  const stack = new AuthorizerModeStack(new App({ context: SYNTH_CONTEXT }), `AcmeApiAuthorizer-${mode.name}`, {
    project: TEST_PROJECT,
    mode: mode.engine.kind === 'local' ? { ...mode, engine: { kind: 'local', policyStore: 'deploy' } } : mode,
    bundle,
    handlerEntry: BILLING.generated(`${mode.name}/authorizer.ts`),
    lambda: { memoryMb: 512, timeoutSeconds: 5 },
    backend: { kind: 'http', url: 'https://billing.internal.example.com' },
  });
  return Template.fromStack(stack);
}

function storeTemplate(mode: ModeConfig, bundle: PolicyBundle): Template {
  const stack = bareStack();
  new ModePolicyStore(stack, 'PolicyStore', { mode, bundle });
  return Template.fromStack(stack);
}

/** logical id → properties of every policy and template resource. */
function policyResources(template: Template): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({
      ...template.findResources('AWS::VerifiedPermissions::Policy'),
      ...template.findResources('AWS::VerifiedPermissions::PolicyTemplate'),
    }).map(([logicalId, resource]) => [logicalId, (resource as { Properties: unknown }).Properties]),
  );
}

describe.each(MODES)('the policy store of mode $mode.name', ({ mode, bundle }) => {
  const template = storeTemplate(mode, bundle);
  const storeRef = { 'Fn::GetAtt': [logicalIdOfOnly(template, 'AWS::VerifiedPermissions::PolicyStore'), 'PolicyStoreId'] };

  it('holds the bundle schema as Cedar JSON, validates STRICT and is deletion-protected', () => {
    template.hasResourceProperties('AWS::VerifiedPermissions::PolicyStore', {
      ValidationSettings: { Mode: 'STRICT' },
      DeletionProtection: { Mode: 'ENABLED' },
      Schema: { CedarJson: JSON.stringify(bundle.schema) },
    });
  });

  it('has exactly one policy resource per @id, named after its deploy identity, holding its statement and the @id as description', () => {
    const expected = Object.fromEntries(
      Object.entries(bundle.policies).map(([policyId, statement]) => [
        policyLogicalId(policyId, statement, 'policy'),
        { PolicyStoreId: storeRef, Definition: { Static: { Statement: statement, Description: policyId } } },
      ]),
    );

    const actual = template.findResources('AWS::VerifiedPermissions::Policy');

    expect(Object.fromEntries(Object.entries(actual).map(([id, r]) => [id, (r as { Properties: unknown }).Properties]))).toEqual(expected);
  });

  it('has exactly one policy template resource per template @id of the bundle', () => {
    const expected = Object.fromEntries(
      Object.entries(bundle.templates).map(([templateId, statement]) => [
        policyLogicalId(templateId, statement, 'template'),
        { PolicyStoreId: storeRef, Statement: statement, Description: templateId },
      ]),
    );

    const actual = template.findResources('AWS::VerifiedPermissions::PolicyTemplate');

    expect(Object.fromEntries(Object.entries(actual).map(([id, r]) => [id, (r as { Properties: unknown }).Properties]))).toEqual(expected);
  });
});

describe('policy templates', () => {
  it('exist only in the multi-tenant store, which holds tenant.delegated-account-read', () => {
    const counts = MODES.map(({ mode, bundle }) => [
      mode.name,
      Object.keys(storeTemplate(mode, bundle).findResources('AWS::VerifiedPermissions::PolicyTemplate')),
    ]);

    expect(counts).toEqual([
      ['customer', []],
      ['internal', []],
      ['m2m', []],
      ['multi-tenant', [templateLogicalId(TENANT_BUNDLE, 'tenant.delegated-account-read')]],
    ]);
  });
});

/** The logical id a bundle's template gets, from its statement in that bundle. */
function templateLogicalId(bundle: PolicyBundle, templateId: string): string {
  const statement = bundle.templates[templateId];
  if (statement === undefined) throw new Error(`the bundle of mode ${bundle.mode} has no template ${templateId}`);
  return policyLogicalId(templateId, statement, 'template');
}

/** The customer bundle with one policy's statement edited; fails when the edit does not apply. */
function withEditedPolicy(policyId: string, edit: (statement: string) => string): PolicyBundle {
  const before = CUSTOMER_BUNDLE.policies[policyId];
  if (before === undefined) throw new Error(`the customer bundle has no policy ${policyId}`);
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${policyId} changed nothing`);
  return { ...CUSTOMER_BUNDLE, policies: { ...CUSTOMER_BUNDLE.policies, [policyId]: after } };
}

const APPROVE = 'customer.admin-approve-payment';
const ADMIN_SCOPE = 'principal is Billing::CustomerUser in Billing::Role::"admin"';

describe('a policy edit, in the synthesized mode stack', () => {
  const before = policyResources(modeStackTemplate(CUSTOMER_MODE, CUSTOMER_BUNDLE));
  const unchangedIds = Object.keys(before).filter((id) => !id.startsWith('PolicyCustomerAdminApprovePayment'));

  it.each([
    ['principal scope', (s: string) => s.replace(ADMIN_SCOPE, 'principal is Billing::CustomerUser')],
    ['resource scope', (s: string) => s.replace('resource is Billing::Payment\n', 'resource\n')],
    ['effect', (s: string) => s.replace(/^permit/m, 'forbid')],
  ])('that changes the %s gets a new logical id: CloudFormation creates the new policy and deletes the old one', (_part, edit) => {
    // Arrange: AVP's UpdatePolicy refuses this edit (AVP user guide, "Editing static policies":
    // https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/policies-edit.html).
    const bundle = withEditedPolicy(APPROVE, edit);
    const oldId = policyLogicalId(APPROVE, CUSTOMER_BUNDLE.policies[APPROVE] ?? '', 'policy');
    const newId = policyLogicalId(APPROVE, bundle.policies[APPROVE] ?? '', 'policy');

    // Act
    const after = policyResources(modeStackTemplate(CUSTOMER_MODE, bundle));

    // Assert
    expect(newId).not.toBe(oldId);
    expect(Object.keys(before)).toContain(oldId);
    expect(Object.keys(after)).not.toContain(oldId);
    expect(after[newId]).toMatchObject({ Definition: { Static: { Statement: bundle.policies[APPROVE], Description: APPROVE } } });
    expect(Object.keys(after).sort()).toEqual([...unchangedIds, newId].sort());
  });

  it.each([
    ['action', (s: string) => s.replace('action == Billing::Action::"ApprovePayment"', 'action in [Billing::Action::"ApprovePayment"]')],
    ['condition', (s: string) => s.replace(/when\s*\{/, 'when { context has mfa && ')],
  ])('that changes the %s keeps the logical id: the same resource gets the new statement, an update AVP accepts', (_part, edit) => {
    // Arrange: AVP's UpdatePolicy accepts action and condition changes (same user guide page).
    const bundle = withEditedPolicy(APPROVE, edit);
    const id = policyLogicalId(APPROVE, CUSTOMER_BUNDLE.policies[APPROVE] ?? '', 'policy');

    // Act
    const after = policyResources(modeStackTemplate(CUSTOMER_MODE, bundle));

    // Assert
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(after[id]).toMatchObject({ Definition: { Static: { Statement: bundle.policies[APPROVE], Description: APPROVE } } });
    expect(after[id]).not.toEqual(before[id]);
  });
});

describe('policy logical ids in the mode stack', () => {
  const project = copyProject({ domain: 'billing' });
  afterAll(() => project.remove());

  it('do not change when the bundle lists the policies in another order: the template is byte-identical', () => {
    const reversed: PolicyBundle = { ...CUSTOMER_BUNDLE, policies: Object.fromEntries(Object.entries(CUSTOMER_BUNDLE.policies).reverse()) };

    const before = JSON.stringify(modeStackTemplate(CUSTOMER_MODE, CUSTOMER_BUNDLE).toJSON());
    const after = JSON.stringify(modeStackTemplate(CUSTOMER_MODE, reversed).toJSON());

    expect(after).toBe(before);
    expect(before).toContain(policyLogicalId(APPROVE, CUSTOMER_BUNDLE.policies[APPROVE] ?? '', 'policy'));
  });

  it('do not change when policies move to other files, in another order: the template is byte-identical', () => {
    // Arrange: split policies/customer/roles.cedar into two new files, each holding its policies in reverse order.
    const original = join(project.root, 'policies/customer/roles.cedar');
    const chunks = readFileSync(original, 'utf8').split(/\n\n(?=\/\/\/)/);
    expect(chunks.length).toBeGreaterThan(2);
    const half = Math.ceil(chunks.length / 2);
    rmSync(original);
    writeFileSync(join(project.root, 'policies/customer/moved-b.cedar'), `${chunks.slice(0, half).reverse().join('\n\n')}\n`);
    writeFileSync(join(project.root, 'policies/customer/moved-a.cedar'), `${chunks.slice(half).reverse().join('\n\n')}\n`);

    // Act
    const result = generateProject(project.root);
    const regrouped = result.model?.modes.find((model) => model.name === 'customer');

    // Assert
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(regrouped?.config.name).toBe('customer');
    if (!regrouped) return;
    expect(JSON.stringify(modeStackTemplate(regrouped.config, regrouped.bundle).toJSON())).toBe(
      JSON.stringify(modeStackTemplate(CUSTOMER_MODE, CUSTOMER_BUNDLE).toJSON()),
    );
  });
});

describe('removal policies of the policy store', () => {
  const template = storeTemplate(TENANT_MODE, TENANT_BUNDLE);
  const policiesOf = (type: string): Record<string, { DeletionPolicy?: string; UpdateReplacePolicy?: string }> =>
    template.findResources(type) as Record<string, { DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

  it('retain the store, which is deletion-protected: `cdk destroy` succeeds and leaves the store and its schema', () => {
    const stores = Object.values(policiesOf('AWS::VerifiedPermissions::PolicyStore'));

    expect(stores.map((store) => [store.DeletionPolicy, store.UpdateReplacePolicy])).toEqual([['Retain', 'Retain']]);
  });

  it.each(['AWS::VerifiedPermissions::Policy', 'AWS::VerifiedPermissions::PolicyTemplate', 'AWS::VerifiedPermissions::IdentitySource'])(
    'delete each %s it no longer holds: a replaced policy must not go on deciding',
    (type) => {
      const resources = Object.values(policiesOf(type));

      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual([undefined, undefined]);
    },
  );
});

describe('ModePolicyStore validation', () => {
  it('refuses an empty bundle, failing synth', () => {
    const empty: PolicyBundle = { ...CUSTOMER_BUNDLE, policies: {} };

    expect(() => new ModePolicyStore(bareStack(), 'PolicyStore', { mode: CUSTOMER_MODE, bundle: empty })).toThrow(
      new Error('mode customer: the policy bundle has no policy'),
    );
  });

  it('refuses an @id that names both a policy and a template', () => {
    const clash: PolicyBundle = {
      ...TENANT_BUNDLE,
      templates: { 'tenant.isolation': 'permit (principal == ?principal, action, resource);' },
    };

    expect(() => new ModePolicyStore(bareStack(), 'PolicyStore', { mode: TENANT_MODE, bundle: clash })).toThrow(
      new Error('mode multi-tenant: tenant.isolation is both a policy and a template @id'),
    );
  });
});
