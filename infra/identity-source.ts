// The identity source of a policy store, as the mode declares it: an existing Cognito user pool, or an OIDC issuer.
import { Stack, aws_verifiedpermissions as avp } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { ModeConfig } from '../runtime/config.js';

export interface ModeIdentitySourceProps {
  readonly mode: ModeConfig;
  readonly policyStoreId: string;
}

/** Cognito pool ids read `<region>_<suffix>`. */
const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$/;

/**
 * Points the store at the pool or issuer the mode names. The pool is referred to by id and never created here:
 * it holds the users, outlives any authorizer deployment, and other applications (the web app, the services'
 * app clients) share it, so a stack that owned it could delete or replace it.
 */
export class ModeIdentitySource extends Construct {
  readonly resource: avp.CfnIdentitySource;

  constructor(scope: Construct, id: string, props: ModeIdentitySourceProps) {
    super(scope, id);
    this.resource = new avp.CfnIdentitySource(this, 'Resource', {
      policyStoreId: props.policyStoreId,
      principalEntityType: props.mode.claims.principal.entityType,
      configuration: configurationOf(this, props.mode),
    });
  }
}

function configurationOf(scope: Construct, mode: ModeConfig): avp.CfnIdentitySource.IdentitySourceConfigurationProperty {
  const source = mode.identitySource;
  const groups = mode.claims.groups;
  if (source.kind === 'oidc') {
    return {
      openIdConnectConfiguration: {
        issuer: source.issuer,
        tokenSelection: { accessTokenOnly: { audiences: [source.audience], principalIdClaim: mode.claims.principal.idClaim } },
        ...(groups ? { groupConfiguration: { groupClaim: groups.claim, groupEntityType: groups.entityType } } : {}),
      },
    };
  }
  const match = USER_POOL_ID.exec(source.userPoolId);
  if (!match?.[1]) throw new Error(`mode ${mode.name}: ${source.userPoolId} is not a Cognito user pool id (<region>_<id>)`);
  if (source.clientIds.length === 0) throw new Error(`mode ${mode.name}: a Cognito identity source needs at least one app client id`);
  // Cognito puts groups in `cognito:groups`; AVP reads that claim itself, only the entity type is configurable.
  if (groups && groups.claim !== 'cognito:groups') {
    throw new Error(`mode ${mode.name}: a Cognito identity source maps groups from cognito:groups, not ${groups.claim}`);
  }
  return {
    cognitoUserPoolConfiguration: {
      userPoolArn: Stack.of(scope).formatArn({
        service: 'cognito-idp',
        region: match[1],
        resource: 'userpool',
        resourceName: source.userPoolId,
      }),
      clientIds: [...source.clientIds],
      ...(groups ? { groupConfiguration: { groupEntityType: groups.entityType } } : {}),
    },
  };
}
