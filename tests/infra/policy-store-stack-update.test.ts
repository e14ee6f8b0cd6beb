// A policy edit applied to Amazon Verified Permissions the way CloudFormation applies a stack update, on the local
// AVP endpoint: why a policy's logical id must change with its effect, principal scope and resource scope.
//
// AWS behaviour emulated here:
// - CloudFormation, "Update behaviors of stack resources"
//   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html):
//   a resource whose logical id stays and whose properties change is updated (AWS::VerifiedPermissions::Policy's
//   Definition updates with no interruption, through UpdatePolicy); a logical id new to the template is created, and
//   one gone from it is deleted during the cleanup that follows the creations.
// - AVP API reference, "UpdatePolicy" (https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_UpdatePolicy.html):
//   the action and the conditions may change; the effect, the principal and the resource may not.
import {
  CreatePolicyCommand,
  DeletePolicyCommand,
  GetPolicyCommand,
  ListPoliciesCommand,
  UpdatePolicyCommand,
  ValidationException,
} from '@aws-sdk/client-verifiedpermissions';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { useLocalAvpEndpoint } from '../support/local-avp.js';
import { ModePolicyStore } from '../../infra/policy-store.js';
import type { PolicyBundle } from '../../runtime/config.js';
import { newBillingStore } from '../local/avp/support/billing-store.js';
import { fixtureMode } from '../support/fixture-domain.js';
import { bareStack } from './support/synthesized-app.js';

const { MODE_CONFIG: MODE, POLICY_BUNDLE: BUNDLE } = fixtureMode('billing', 'customer');
const APPROVE = 'customer.admin-approve-payment';
const ADMIN_SCOPE = 'principal is Billing::CustomerUser in Billing::Role::"admin"';

/** logical id → the static statement of each AWS::VerifiedPermissions::Policy of the store's synthesized template. */
function policyStatements(bundle: PolicyBundle): Map<string, string> {
  const stack = bareStack();
  new ModePolicyStore(stack, 'PolicyStore', { mode: MODE, bundle });
  const template = Template.fromStack(stack);
  const resources = template.findResources('AWS::VerifiedPermissions::Policy') as Record<
    string,
    { Properties: { Definition: { Static: { Statement: string } } } }
  >;
  return new Map(Object.entries(resources).map(([id, resource]) => [id, resource.Properties.Definition.Static.Statement]));
}

function editedApproval(edit: (statement: string) => string): PolicyBundle {
  const before = BUNDLE.policies[APPROVE];
  if (before === undefined) throw new Error(`the customer bundle has no policy ${APPROVE}`);
  const after = edit(before);
  if (after === before) throw new Error('the edit changed nothing');
  return { ...BUNDLE, policies: { ...BUNDLE.policies, [APPROVE]: after } };
}

const localAvp = useLocalAvpEndpoint();

/** A deployed stack's policies: logical id → AVP policy id, in a fresh STRICT store holding the billing schema. */
async function deploy(statements: ReadonlyMap<string, string>): Promise<{ storeId: string; physical: Map<string, string> }> {
  const storeId = await newBillingStore(localAvp.client);
  const physical = new Map<string, string>();
  for (const [logicalId, statement] of statements) {
    const created = await localAvp.client.send(new CreatePolicyCommand({ policyStoreId: storeId, definition: { static: { statement } } }));
    physical.set(logicalId, created.policyId ?? '');
  }
  return { storeId, physical };
}

/** The stack update as CloudFormation runs it: updates and creations first, then the cleanup deletions. */
async function update(
  deployed: { storeId: string; physical: Map<string, string> },
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): Promise<void> {
  const policyStoreId = deployed.storeId;
  for (const [logicalId, statement] of after) {
    const policyId = deployed.physical.get(logicalId);
    if (policyId === undefined) {
      const created = await localAvp.client.send(new CreatePolicyCommand({ policyStoreId, definition: { static: { statement } } }));
      deployed.physical.set(logicalId, created.policyId ?? '');
    } else if (before.get(logicalId) !== statement) {
      await localAvp.client.send(new UpdatePolicyCommand({ policyStoreId, policyId, definition: { static: { statement } } }));
    }
  }
  for (const logicalId of before.keys()) {
    const policyId = deployed.physical.get(logicalId);
    if (after.has(logicalId) || policyId === undefined) continue;
    await localAvp.client.send(new DeletePolicyCommand({ policyStoreId, policyId }));
    deployed.physical.delete(logicalId);
  }
}

function calls(): Record<'CreatePolicy' | 'UpdatePolicy' | 'DeletePolicy', number> {
  return {
    CreatePolicy: localAvp.endpoint.requestCount('CreatePolicy'),
    UpdatePolicy: localAvp.endpoint.requestCount('UpdatePolicy'),
    DeletePolicy: localAvp.endpoint.requestCount('DeletePolicy'),
  };
}

/** Every statement the store holds (ListPolicies gives ids only; GetPolicy gives each statement). */
async function storedStatements(policyStoreId: string): Promise<string[]> {
  const { policies = [] } = await localAvp.client.send(new ListPoliciesCommand({ policyStoreId }));
  const statements: string[] = [];
  for (const { policyId } of policies) {
    const policy = await localAvp.client.send(new GetPolicyCommand({ policyStoreId, policyId }));
    statements.push(policy.definition?.static?.statement ?? '');
  }
  return statements.sort();
}

describe('a stack update that narrows a policy’s principal scope (removing `in Role::"admin"`)', () => {
  const narrowed = editedApproval((s) => s.replace(ADMIN_SCOPE, 'principal is Billing::CustomerUser'));

  it('would fail if the logical id stayed: AVP refuses UpdatePolicy of the principal scope', async () => {
    // Arrange: the old scheme, one logical id per @id, turns the edit into an UpdatePolicy of the deployed policy.
    const deployed = await deploy(policyStatements(BUNDLE));
    const approvalId = [...policyStatements(BUNDLE).entries()].find(([, s]) => s.includes(`@id("${APPROVE}")`))?.[0] ?? '';
    const statement = narrowed.policies[APPROVE] ?? '';

    // Act
    const refused = localAvp.client.send(
      new UpdatePolicyCommand({
        policyStoreId: deployed.storeId,
        policyId: deployed.physical.get(approvalId) ?? '',
        definition: { static: { statement } },
      }),
    );

    // Assert
    await expect(refused).rejects.toBeInstanceOf(ValidationException);
    await expect(refused).rejects.toThrow(/principal/);
  });

  it('succeeds with deploy-identity logical ids: the new policy is created, the old one deleted, nothing is updated', async () => {
    // Arrange
    const before = policyStatements(BUNDLE);
    const after = policyStatements(narrowed);
    const deployed = await deploy(before);
    localAvp.endpoint.resetRequestCounts();

    // Act
    await update(deployed, before, after);

    // Assert
    expect(calls()).toEqual({ CreatePolicy: 1, UpdatePolicy: 0, DeletePolicy: 1 });
    expect([...after.keys()].filter((id) => !before.has(id))).toHaveLength(1);
    expect(await storedStatements(deployed.storeId)).toEqual([...after.values()].sort());
  });
});

describe('a stack update that changes a policy’s condition', () => {
  it('keeps the logical id and updates the deployed policy in place, which AVP accepts', async () => {
    // Arrange
    const edited = editedApproval((s) =>
      s.replace(
        'when { resource.owner == principal.customer }',
        'when { resource.owner == principal.customer && resource.status == "held" }',
      ),
    );
    const before = policyStatements(BUNDLE);
    const after = policyStatements(edited);
    const deployed = await deploy(before);
    const physicalBefore = new Map(deployed.physical);
    localAvp.endpoint.resetRequestCounts();

    // Act
    await update(deployed, before, after);

    // Assert
    expect(calls()).toEqual({ CreatePolicy: 0, UpdatePolicy: 1, DeletePolicy: 0 });
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(deployed.physical).toEqual(physicalBefore);
    expect(await storedStatements(deployed.storeId)).toEqual([...after.values()].sort());
  });
});
