// An Amazon Verified Permissions policy store holding one mode's schema, policies and templates.
import { Stack, aws_verifiedpermissions as avp } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IdentitySourceConfig, ModeConfig, PolicyBundle } from '../runtime/config.js';
import { logicalIdFor } from './logical-id.js';

export interface ModePolicyStoreProps {
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
}

export class ModePolicyStore extends Construct {
  readonly store: avp.CfnPolicyStore;
  readonly policyIds: readonly string[];

  constructor(scope: Construct, id: string, props: ModePolicyStoreProps) {
    super(scope, id);
    const { mode, bundle } = props;
    if (Object.keys(bundle.policies).length === 0) throw new Error(`mode ${mode.name}: the policy bundle is empty`);

    this.store = new avp.CfnPolicyStore(this, 'Store', {
      description: `Policies of authorizer mode ${mode.name}`,
      validationSettings: { mode: 'STRICT' },
      deletionProtection: { mode: 'ENABLED' },
      schema: { cedarJson: JSON.stringify(bundle.schema) },
    });

    // Logical ids come from @id, never from file order.
    for (const [policyId, statement] of Object.entries(bundle.policies)) {
      new avp.CfnPolicy(this, logicalIdFor('Policy', policyId), {
        policyStoreId: this.store.attrPolicyStoreId,
        definition: { static: { statement, description: policyId } },
      });
    }
    for (const [templateId, statement] of Object.entries(bundle.templates)) {
      new avp.CfnPolicyTemplate(this, logicalIdFor('Template', templateId), {
        policyStoreId: this.store.attrPolicyStoreId,
        statement,
        description: templateId,
      });
    }
    this.policyIds = Object.keys(bundle.policies);

    new avp.CfnIdentitySource(this, 'IdentitySource', {
      policyStoreId: this.store.attrPolicyStoreId,
      principalEntityType: mode.claims.principal.entityType,
      configuration: identitySourceConfiguration(this, mode),
    });
  }
}

function identitySourceConfiguration(scope: Construct, mode: ModeConfig): avp.CfnIdentitySource.IdentitySourceConfigurationProperty {
  const source: IdentitySourceConfig = mode.identitySource;
  const groupEntityType = mode.claims.groups?.entityType;
  if (source.kind === 'oidc') {
    return {
      openIdConnectConfiguration: {
        issuer: source.issuer,
        tokenSelection: { accessTokenOnly: { audiences: [source.audience], principalIdClaim: mode.claims.principal.idClaim } },
        ...(mode.claims.groups && groupEntityType
          ? { groupConfiguration: { groupClaim: mode.claims.groups.claim, groupEntityType } }
          : {}),
      },
    };
  }
  // The user pool already exists (its id is in the mode); its region is the prefix of the id.
  const userPoolArn = Stack.of(scope).formatArn({
    service: 'cognito-idp',
    region: source.userPoolId.split('_')[0] ?? Stack.of(scope).region,
    resource: 'userpool',
    resourceName: source.userPoolId,
  });
  return {
    cognitoUserPoolConfiguration: {
      userPoolArn,
      clientIds: [...source.clientIds],
      ...(groupEntityType ? { groupConfiguration: { groupEntityType } } : {}),
    },
  };
}
