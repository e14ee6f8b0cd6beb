import { describe, expect, it } from 'vitest';
import { identityRefusal } from '../../../policy-testing/runtime-parity/identity-acceptance.js';
import { SERVICE_MODE, TENANT_MODE } from './mode-configs.js';

describe('the identity source', () => {
  it('accepts the claims of a known client holding an accepted scope', () => {
    expect(identityRefusal(SERVICE_MODE, { client_id: 'ledger01', scope: 'openid billing/read' })).toBeUndefined();
  });

  it('refuses a client id that is not one of the mode’s app clients', () => {
    expect(identityRefusal(SERVICE_MODE, { client_id: 'init04', scope: 'billing/read' })?.unreachable).toEqual({
      kind: 'identity-source',
      reason: 'the token\'s client_id would be "init04"; mode services accepts only the app clients ledger01',
    });
  });

  it('refuses a scope claim holding none of the accepted scopes, or removed', () => {
    expect([
      identityRefusal(SERVICE_MODE, { client_id: 'ledger01', scope: 'openid' })?.unreachable.reason,
      identityRefusal(SERVICE_MODE, { client_id: 'ledger01', scope: undefined })?.unreachable.reason,
    ]).toEqual([
      'the token\'s scope "openid" holds none of billing/read, one of which the identity source requires',
      "the token's scope null holds none of billing/read, one of which the identity source requires",
    ]);
  });

  it('refuses a claim the issuer sets itself', () => {
    expect(identityRefusal(TENANT_MODE, { sub: 'tina', token_use: 'id' })?.unreachable).toEqual({
      kind: 'identity-source',
      reason: 'mode saas reads claim `token_use`, which the identity source itself sets',
    });
  });

  it('leaves the issuer’s own client id when the mode does not read it', () => {
    expect(identityRefusal(TENANT_MODE, { sub: 'tina' })).toBeUndefined();
  });
});
