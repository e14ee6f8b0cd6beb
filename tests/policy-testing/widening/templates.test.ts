// A changed template is read once per link the suites declare for it, its slots filled with the link's entities.
import { templateToJson } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { loadPolicyTests } from '../../../policy-testing/load-tests.js';
import type { PolicyChange } from '../../../policy-testing/policy-changes.js';
import { buildRequestSpace, describeOrigin } from '../../../policy-testing/request-space.js';
import { deriveRequests } from '../../../policy-testing/widening/derive-requests.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

const tests = loadPolicyTests({ root: fixtureRoot('billing') });
const space = buildRequestSpace(tests);

function addedTemplate(id: string, text: string): PolicyChange {
  const answer = templateToJson(text);
  if (answer.type !== 'success') throw new Error(`does not parse: ${text}`);
  return {
    kind: 'added',
    id,
    after: { kind: 'template', effect: 'permit', text, location: 'policies/tenant/x.cedar:1', modes: ['multi-tenant'], json: answer.json },
  };
}

describe('requests derived from a changed template', () => {
  it("puts each link's principal in the principal slot, as the suites link the template", () => {
    const change = addedTemplate(
      'tenant.delegated-account-read',
      'permit (principal == ?principal, action == Billing::Action::"ViewAccount", resource in ?resource);',
    );

    const derived = deriveRequests({ changes: [change], tests, space, capPerPolicy: 200 });

    const origins = [...new Set(derived.requests.map((item) => describeOrigin(item.origin)))].sort();
    expect(origins.filter((origin) => origin.includes('principal =='))).toEqual([
      'from tenant.delegated-account-read: principal == Billing::TenantUser::"ada"',
      'from tenant.delegated-account-read: principal == Billing::TenantUser::"tom"',
    ]);
    expect(derived.notes).toEqual([]);
  });

  it('derives nothing from a template no suite links, and says so', () => {
    const change = addedTemplate('tenant.unlinked', 'permit (principal == ?principal, action, resource in ?resource);');

    const derived = deriveRequests({ changes: [change], tests, space, capPerPolicy: 200 });

    expect({ requests: derived.requests.length, notes: derived.notes }).toEqual({
      requests: 0,
      notes: ['tenant.unlinked: a template no suite links, so no request is derived from it'],
    });
  });
});
