import { describe, expect, it } from 'vitest';
import type { DecisionChange, DecisionDiff } from '../../policy-testing/diff.js';
import type { ChangedPolicy } from '../../policy-testing/diff-findings.js';
import { diffJson, diffMarkdown } from '../../policy-testing/diff-report.js';
import type { PolicySide } from '../../policy-testing/policy-changes.js';

const SIDE: PolicySide = {
  kind: 'policy',
  effect: 'forbid',
  text: '@id("shared.forbid-chf")\nforbid (principal, action, resource)\nwhen { context.currency == "CHF" };',
  location: 'policies/shared/limits.cedar:3',
  modes: ['customer', 'm2m'],
  json: {},
};

const ADDED: ChangedPolicy = {
  kind: 'added',
  id: 'shared.forbid-chf',
  after: SIDE,
  determines: { before: 0, after: 1 },
  unexercised: false,
};
const MOVED: ChangedPolicy = {
  kind: 'modes-changed',
  id: 'tenant.delegate',
  before: { ...SIDE, kind: 'template', effect: 'permit', location: 'policies/tenant/templates.cedar:8', modes: ['multi-tenant'] },
  after: { ...SIDE, kind: 'template', effect: 'permit', location: 'policies/tenant/templates.cedar:8', modes: [] },
  determines: { before: 0, after: 0 },
  unexercised: true,
};

function change(listedWith: DecisionChange['listedWith'], origins: readonly string[]): DecisionChange {
  return {
    mode: 'customer',
    action: 'CreatePayment',
    principal: 'alice',
    principalUid: 'Billing::CustomerUser::"alice"',
    resource: 'acct-1',
    resourceUid: 'Billing::Account::"acct-1"',
    context: { amount: 100, currency: listedWith === 'derived' ? 'CHF' : 'EUR' },
    origins,
    listedWith,
    before: { decision: 'allow', determining: ['customer.create-payment'], errors: [] },
    after: { decision: 'deny', determining: listedWith === 'derived' ? ['shared.forbid-chf'] : [], errors: [] },
  };
}

const DIFF: DecisionDiff = {
  base: { ref: 'main', commit: 'abc1234' },
  requests: 7,
  modes: ['customer', 'm2m'],
  evaluated: {
    all: { case: 2, fixtures: 3, derived: 2, total: 7 },
    byMode: { customer: { case: 1, fixtures: 2, derived: 2, total: 5 }, m2m: { case: 1, fixtures: 1, derived: 0, total: 2 } },
  },
  policyChanges: [ADDED, MOVED],
  changes: [change('suites', ['fixtures']), change('derived', ['from shared.forbid-chf: context.currency == "CHF"'])],
  allowToDeny: 2,
  denyToAllow: 0,
  determiningChanged: 0,
  redetermined: [],
  unexplored: [],
  notes: [],
};

describe('the markdown report', () => {
  const markdown = diffMarkdown(DIFF);

  it('counts requests per mode and origin kind, with a row for all modes when there are several', () => {
    expect(markdown).toContain(
      [
        '| Mode | Test cases | Fixture cross product | Derived from changed policies | Total |',
        '|---|---:|---:|---:|---:|',
        '| customer | 1 | 2 | 2 | 5 |',
        '| m2m | 1 | 1 | 0 | 2 |',
        '| **all** | 2 | 3 | 2 | 7 |',
      ].join('\n'),
    );
  });

  it('names a template that only moved between modes, with its modes before and after and no text diff', () => {
    expect(markdown).toContain(
      '| `tenant.delegate` | modes-changed | policies/tenant/templates.cedar:8 | multi-tenant → (none) | 0 → 0 ⚠ **unexercised** |',
    );
    expect(markdown).toContain('<details><summary>Text diffs (1)</summary>');
    expect(markdown).not.toContain('`tenant.delegate` · modes-changed');
  });

  it('lists flips of derived requests in their own section, after the flips of the suites requests', () => {
    const suites = markdown.indexOf('### Flipped decisions\n');
    const derived = markdown.indexOf('### Flipped decisions on derived requests\n');
    const row = (origin: string) => markdown.indexOf(origin);

    expect(suites).toBeGreaterThan(0);
    expect([row('| fixtures |') > suites, row('| fixtures |') < derived]).toEqual([true, true]);
    expect(row('| from shared.forbid-chf: context.currency == "CHF" |')).toBeGreaterThan(derived);
  });

  it('says "No decision flipped" in a section with no flip, rather than leaving it out', () => {
    const quiet = diffMarkdown({ ...DIFF, changes: [], allowToDeny: 0 });

    expect(quiet).toContain('### Flipped decisions\n\nNo decision flipped.\n');
    expect(quiet).toContain('### Flipped decisions on derived requests\n\nNo decision flipped.\n');
  });

  it('keeps a text diff that holds ``` inside a longer fence, so it cannot close the block early', () => {
    const text = '@id("odd")\nforbid (principal, action, resource)\nwhen { context.note == "```" };';
    const odd: ChangedPolicy = { ...ADDED, id: 'odd', after: { ...SIDE, text } };

    expect(diffMarkdown({ ...DIFF, policyChanges: [odd] })).toContain(
      '````diff\n+@id("odd")\n+forbid (principal, action, resource)\n+when { context.note == "```" };\n````\n',
    );
  });
});

describe('the JSON report', () => {
  it('carries the whole diff with its summary: counts, policy changes, flips by listing, groups and notes', () => {
    expect(JSON.parse(diffJson(DIFF))).toEqual({ summary: '2 decisions changed: 2 allow→deny, 0 deny→allow', ...DIFF });
  });
});
