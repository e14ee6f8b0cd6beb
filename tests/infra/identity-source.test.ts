import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MODE_CONFIG as CUSTOMER_MODE } from '../../generated/customer/authorizer.js';
import { MODE_CONFIG as INTERNAL_MODE } from '../../generated/internal/authorizer.js';
import { MODE_CONFIG as M2M_MODE } from '../../generated/m2m/authorizer.js';
import { MODE_CONFIG as TENANT_MODE } from '../../generated/multi-tenant/authorizer.js';
import { ModeIdentitySource } from '../../infra/identity-source.js';
import type { ModeConfig } from '../../runtime/config.js';
import { bareStack } from './support/synthesized-app.js';

function identitySourceOf(mode: ModeConfig): Record<string, unknown> {
  const stack = bareStack();
  new ModeIdentitySource(stack, 'IdentitySource', { mode, policyStoreId: 'PSexample' });
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::VerifiedPermissions::IdentitySource'));
  return (resource as { Properties: Record<string, unknown> }).Properties;
}

function poolArn(region: string, poolId: string): unknown {
  return {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cognito-idp:${region}:`, { Ref: 'AWS::AccountId' }, `:userpool/${poolId}`]],
  };
}

describe('the identity source', () => {
  it('of customer is its existing Cognito pool, by id, with its app clients; groups become Payments::Role', () => {
    expect(identitySourceOf(CUSTOMER_MODE)).toEqual({
      PolicyStoreId: 'PSexample',
      PrincipalEntityType: 'Payments::CustomerUser',
      Configuration: {
        CognitoUserPoolConfiguration: {
          UserPoolArn: poolArn('eu-west-1', 'eu-west-1_CustPool1'),
          ClientIds: ['customerwebapp01', 'customerapi02'],
          GroupConfiguration: { GroupEntityType: 'Payments::Role' },
        },
      },
    });
  });

  it('of internal is the Okta OIDC issuer, access tokens for its audience, groups from `groups` as Payments::StaffGroup', () => {
    expect(identitySourceOf(INTERNAL_MODE)).toEqual({
      PolicyStoreId: 'PSexample',
      PrincipalEntityType: 'Payments::StaffUser',
      Configuration: {
        OpenIdConnectConfiguration: {
          Issuer: 'https://payments.okta.com/oauth2/default',
          TokenSelection: { AccessTokenOnly: { Audiences: ['api://payments-internal'], PrincipalIdClaim: 'sub' } },
          GroupConfiguration: { GroupClaim: 'groups', GroupEntityType: 'Payments::StaffGroup' },
        },
      },
    });
  });

  it('of m2m is the services pool with the three service clients and no group mapping', () => {
    expect(identitySourceOf(M2M_MODE)).toEqual({
      PolicyStoreId: 'PSexample',
      PrincipalEntityType: 'Payments::Service',
      Configuration: {
        CognitoUserPoolConfiguration: {
          UserPoolArn: poolArn('eu-west-1', 'eu-west-1_SvcPool01'),
          ClientIds: ['ledgerservice01', 'notifyservice02', 'reconservice03'],
        },
      },
    });
  });

  it('of multi-tenant is the SaaS pool; groups become Payments::Role and the principal is Payments::TenantUser', () => {
    expect(identitySourceOf(TENANT_MODE)).toEqual({
      PolicyStoreId: 'PSexample',
      PrincipalEntityType: 'Payments::TenantUser',
      Configuration: {
        CognitoUserPoolConfiguration: {
          UserPoolArn: poolArn('eu-west-1', 'eu-west-1_SaasPool1'),
          ClientIds: ['saasportal01'],
          GroupConfiguration: { GroupEntityType: 'Payments::Role' },
        },
      },
    });
  });

  it('takes the pool region from the pool id, not from the stack', () => {
    const mode: ModeConfig = {
      ...CUSTOMER_MODE,
      identitySource: {
        ...CUSTOMER_MODE.identitySource,
        kind: 'cognito',
        userPoolId: 'us-gov-west-1_Abc123',
        clientIds: ['c1'],
        tokenUse: 'id',
      },
    };

    const configuration = identitySourceOf(mode)['Configuration'] as { CognitoUserPoolConfiguration: { UserPoolArn: unknown } };

    expect(configuration.CognitoUserPoolConfiguration.UserPoolArn).toEqual(poolArn('us-gov-west-1', 'us-gov-west-1_Abc123'));
  });

  it('refuses a pool id without its region, failing synth', () => {
    const mode: ModeConfig = {
      ...CUSTOMER_MODE,
      identitySource: { kind: 'cognito', userPoolId: 'CustPool1', clientIds: ['c1'], tokenUse: 'id' },
    };

    expect(() => identitySourceOf(mode)).toThrow(new Error('mode customer: CustPool1 is not a Cognito user pool id (<region>_<id>)'));
  });

  it('refuses a Cognito pool whose groups are mapped from a claim other than cognito:groups', () => {
    const mode: ModeConfig = {
      ...CUSTOMER_MODE,
      claims: { ...CUSTOMER_MODE.claims, groups: { claim: 'roles', entityType: 'Payments::Role' } },
    };

    expect(() => identitySourceOf(mode)).toThrow(
      new Error('mode customer: a Cognito identity source maps groups from cognito:groups, not roles'),
    );
  });
});
