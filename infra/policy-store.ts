// An Amazon Verified Permissions policy store holding one mode's schema, policies, templates and identity source.
import { RemovalPolicy, aws_verifiedpermissions as avp } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { ModeConfig, PolicyBundle } from '../runtime/config.js';
import { ModeIdentitySource } from './identity-source.js';
import { policyLogicalId } from './logical-id.js';

export interface ModePolicyStoreProps {
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
  /** @default `Policies of authorizer mode <name>` */
  readonly description?: string;
}

/**
 * Schema (Cedar JSON) validated STRICT, deletion protection on, one AWS::VerifiedPermissions::Policy per @id and one
 * AWS::VerifiedPermissions::PolicyTemplate per template @id. Their logical ids derive from the deploy identity
 * (`policyLogicalId`: the @id and a hash of effect, principal scope and resource scope), so a change AVP cannot update
 * becomes a replacement, while an action or condition change, reordering, or moving a policy to another file does not.
 *
 * The store is retained when the stack is deleted (deletion protection would make `cdk destroy` fail otherwise) and
 * when it is replaced. Its policies, templates and identity source are not: a replaced or removed policy must leave
 * the store, or the old statement would go on deciding; the repository is their source, and a redeploy restores them.
 * AVP deletes a template's linked policies with the template, so a template replacement drops its links: fail closed.
 */
export class ModePolicyStore extends Construct {
  readonly store: avp.CfnPolicyStore;
  readonly policies: ReadonlyMap<string, avp.CfnPolicy>;
  readonly templates: ReadonlyMap<string, avp.CfnPolicyTemplate>;
  readonly identitySource: ModeIdentitySource;

  constructor(scope: Construct, id: string, props: ModePolicyStoreProps) {
    super(scope, id);
    const { mode, bundle } = props;
    if (Object.keys(bundle.policies).length === 0) throw new Error(`mode ${mode.name}: the policy bundle has no policy`);
    if (!(bundle.namespace in bundle.schema))
      throw new Error(`mode ${mode.name}: the bundle's schema does not declare namespace ${bundle.namespace}`);
    const shared = Object.keys(bundle.policies).filter((policyId) => policyId in bundle.templates);
    if (shared.length > 0) throw new Error(`mode ${mode.name}: ${shared.join(', ')} is both a policy and a template @id`);

    this.store = new avp.CfnPolicyStore(this, 'Store', {
      description: props.description ?? `Policies of authorizer mode ${mode.name}`,
      validationSettings: { mode: 'STRICT' },
      deletionProtection: { mode: 'ENABLED' },
      schema: { cedarJson: JSON.stringify(bundle.schema) },
    });
    this.store.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const policies = new Map<string, avp.CfnPolicy>();
    for (const [policyId, statement] of byId(bundle.policies)) {
      const policy = new avp.CfnPolicy(this, policyId, {
        policyStoreId: this.store.attrPolicyStoreId,
        // AVP returns its own policy ids; the description carries the @id so decisions can be traced to the source.
        definition: { static: { statement, description: policyId } },
      });
      policy.overrideLogicalId(policyLogicalId(policyId, statement, 'policy'));
      policies.set(policyId, policy);
    }
    const templates = new Map<string, avp.CfnPolicyTemplate>();
    for (const [templateId, statement] of byId(bundle.templates)) {
      const template = new avp.CfnPolicyTemplate(this, templateId, {
        policyStoreId: this.store.attrPolicyStoreId,
        statement,
        description: templateId,
      });
      template.overrideLogicalId(policyLogicalId(templateId, statement, 'template'));
      templates.set(templateId, template);
    }
    this.policies = policies;
    this.templates = templates;

    this.identitySource = new ModeIdentitySource(this, 'IdentitySource', { mode, policyStoreId: this.store.attrPolicyStoreId });
  }
}

/** Sorted by @id: the order of a bundle's entries must not change a byte of the synthesized template. */
function byId(statements: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(statements).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
