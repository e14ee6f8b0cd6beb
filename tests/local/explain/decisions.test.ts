// `npm run explain` reports the runtime's own decision: an allow and its policy, a deny, a forbid, a refused token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMode } from '../../../local/explain/build-mode.js';
import { startLocalIssuer } from '../../../local/issuer/token-issuer.js';
import { fixtureRoot } from '../../support/fixture-domain.js';
import { explainJson, scratchFiles, type ScratchFiles } from './support/explain-cli.js';

const ALICE_CLAIMS = { sub: 'alice', 'custom:customer_id': 'cust-1', 'cognito:groups': ['payer'] };

let files: ScratchFiles;

beforeAll(() => {
  files = scratchFiles();
});

afterAll(() => {
  files.remove();
});

describe('npm run explain: decisions', () => {
  it("a payer reading her own customer's account is allowed, determined by customer.read-own", async () => {
    const result = await explainJson(['--mode', 'customer', '--principal', 'alice', '--method', 'GET', '--path', '/accounts/acct-1']);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies, reason: result.reason }).toEqual({
      decision: 'allow',
      determiningPolicies: ['customer.read-own'],
      reason: 'permitted by customer.read-own',
    });
  });

  it("a payer reading another customer's account is denied by default, with no determining policy", async () => {
    const result = await explainJson(['--mode', 'customer', '--principal', 'alice', '--method', 'GET', '--path', '/accounts/acct-2']);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies, reason: result.reason }).toEqual({
      decision: 'deny',
      determiningPolicies: [],
      reason: 'no permit policy applies, so Cedar denies by default',
    });
  });

  it('a payment from a frozen account is denied by the forbid policy that names it, reading context from --header', async () => {
    const result = await explainJson([
      '--mode',
      'customer',
      '--principal',
      'alice',
      '--method',
      'POST',
      '--path',
      '/accounts/acct-frozen/billing',
      '--header',
      'X-Payment-Amount: 100',
      '--header',
      'X-Payment-Currency: EUR',
    ]);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies }).toEqual({
      decision: 'deny',
      determiningPolicies: ['shared.forbid-billing-from-frozen-account'],
    });
  });

  it("--claims is signed for the mode's identity source, so real verification accepts it", async () => {
    const claims = files.write('alice.json', ALICE_CLAIMS);

    const result = await explainJson(['--mode', 'customer', '--claims', claims, '--method', 'GET', '--path', '/accounts/acct-1']);

    expect({ decision: result.decision, principal: result.request.principal }).toEqual({
      decision: 'allow',
      principal: { type: 'Billing::CustomerUser', id: 'alice' },
    });
  });

  it("an expired token is unauthorized, and the reason is the verifier's", async () => {
    const claims = files.write('expired.json', { ...ALICE_CLAIMS, exp: 1_000_000_000 });

    const result = await explainJson(['--mode', 'customer', '--claims', claims, '--method', 'GET', '--path', '/accounts/acct-1']);

    expect({ decision: result.decision, reason: result.reason, principal: result.request.principal }).toEqual({
      decision: 'unauthorized',
      reason: 'token: Token expired at 2001-09-09T01:46:40.000Z',
      principal: null,
    });
  });

  it('a token signed by a key the local issuer never published is unauthorized', async () => {
    const mode = buildMode(fixtureRoot('billing'), 'customer').config;
    const foreignIssuer = await startLocalIssuer({ env: {} });
    const foreign = foreignIssuer.mint(mode, ALICE_CLAIMS);
    const kid = foreignIssuer.currentKid();
    await foreignIssuer.close();

    const result = await explainJson(['--mode', 'customer', '--token', foreign, '--method', 'GET', '--path', '/accounts/acct-1']);

    expect({ decision: result.decision, reason: result.reason }).toEqual({
      decision: 'unauthorized',
      reason: `token: JWK for kid "${kid}" not found in the JWKS`,
    });
  });
});
