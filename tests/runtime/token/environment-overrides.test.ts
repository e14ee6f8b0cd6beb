import { describe, expect, it } from 'vitest';
import type { IdentitySourceConfig } from '../../../runtime/config.js';
import { withEnvironmentOverrides } from '../../../runtime/token/verify-token.js';

const okta: IdentitySourceConfig = {
  kind: 'oidc',
  issuer: 'https://billing.okta.com/oauth2/default',
  jwksUri: 'https://billing.okta.com/oauth2/default/v1/keys',
  audience: 'api://billing-internal',
  issuerEnv: 'INTERNAL_ISSUER',
};
const cognito: IdentitySourceConfig = {
  kind: 'cognito',
  userPoolId: 'eu-west-1_CustPool1',
  clientIds: ['a'],
  tokenUse: 'id',
  userPoolIdEnv: 'CUSTOMER_USER_POOL_ID',
};

describe('identity source overrides from the environment', () => {
  it('keeps the mode file values when the variable is not set', () => {
    expect(withEnvironmentOverrides(okta, {})).toEqual(okta);
    expect(withEnvironmentOverrides(cognito, { CUSTOMER_USER_POOL_ID: '' })).toEqual(cognito);
  });

  it('replaces an OIDC issuer and moves the JWKS URI with it', () => {
    const staging = withEnvironmentOverrides(okta, { INTERNAL_ISSUER: 'https://billing-staging.okta.com/oauth2/default' });
    expect(staging).toMatchObject({
      issuer: 'https://billing-staging.okta.com/oauth2/default',
      jwksUri: 'https://billing-staging.okta.com/oauth2/default/v1/keys',
    });
  });

  it('replaces a Cognito user pool id', () => {
    expect(withEnvironmentOverrides(cognito, { CUSTOMER_USER_POOL_ID: 'eu-central-1_Staging9' })).toMatchObject({
      userPoolId: 'eu-central-1_Staging9',
    });
  });
});
