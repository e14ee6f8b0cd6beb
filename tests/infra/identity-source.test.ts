import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ModeIdentitySource } from '../../infra/identity-source.js';
import type { ModeConfig } from '../../runtime/config.js';
import { bareStack } from './support/synthesized-app.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER_MODE } = fixtureMode('billing', 'customer');
const { MODE_CONFIG: INTERNAL_MODE } = fixtureMode('billing', 'internal');
const { MODE_CONFIG: M2M_MODE } = fixtureMode('billing', 'm2m');
const { MODE_CONFIG: TENANT_MODE } = fixtureMode('billing', 'multi-tenant');

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
  it('of customer is its existing Cognito pool, by id, with its app clients; groups become Billing::Role', () => {
    expect(identitySourceOf(CUSTOMER_MODE)).toEqual({
      PolicyStoreId: 'PSexample',
      PrincipalEntityType: 'Billing::CustomerUser',
      Configuration: {
        CognitoUserPoolConfiguration: {
          UserPoolArn: poolArn('eu-west-1', 'eu-west-1_CustPool1'),
          ClientIds: ['customerwebapp01', 'customerapi02'],
          GroupConfiguration: { GroupEntityType: 'Billing::Role' },
        },
      },
    });
  });

  it('of internal is the Okta OIDC issuer, access tokens for its audience, groups from `groups` as Billing::StaffGroup', () => {
    expect(identitySourceOf(INTERNAL_MODE)).toEqual({
      PolicyStoreId: 'PSexample',
      PrincipalEntityType: 'Billing::StaffUser',
      Configuration: {
        OpenIdConnectConfiguration: {
          Issuer: 'https://billing.okta.com/oauth2/default',
          TokenSelection: { AccessTokenOnly: { Audiences: ['api://billing-internal'], PrincipalIdClaim: 'sub' } },
          GroupConfiguration: { GroupClaim: 'groups', GroupEntityType: 'Billing::StaffGroup' },
        },
      },
    });
  });

  it('of m2m is the services pool with the three service clients and no group mapping', () => {
    expect(identitySourceOf(M2M_MODE)).toEqual({
      PolicyStoreId: 'PSexample',
      PrincipalEntityType: 'Billing::Service',
      Configuration: {
        CognitoUserPoolConfiguration: {
          UserPoolArn: poolArn('eu-west-1', 'eu-west-1_SvcPool01'),
          ClientIds: ['ledgerservice01', 'notifyservice02', 'reconservice03'],
        },
      },
    });
  });

  it('of multi-tenant is the SaaS pool; groups become Billing::Role and the principal is Billing::TenantUser', () => {
    expect(identitySourceOf(TENANT_MODE)).toEqual({
      PolicyStoreId: 'PSexample',
      PrincipalEntityType: 'Billing::TenantUser',
      Configuration: {
        CognitoUserPoolConfiguration: {
          UserPoolArn: poolArn('eu-west-1', 'eu-west-1_SaasPool1'),
          ClientIds: ['saasportal01'],
          GroupConfiguration: { GroupEntityType: 'Billing::Role' },
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
      claims: { ...CUSTOMER_MODE.claims, groups: { claim: 'roles', entityType: 'Billing::Role' } },
    };

    expect(() => identitySourceOf(mode)).toThrow(
      new Error('mode customer: a Cognito identity source maps groups from cognito:groups, not roles'),
    );
  });
});
