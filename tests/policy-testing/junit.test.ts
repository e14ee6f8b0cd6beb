import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJunit } from '../../policy-testing/junit.js';
import { loadPolicyTests } from '../../policy-testing/load-tests.js';
import { runSuites, type CaseResult } from '../../policy-testing/run-suites.js';
import type { ProjectCopy } from '../support/project-copy.js';
import { SERVICES_FIXTURE, SUITE_LINE, suiteProject } from './suite-project.js';

const SUITE = `${SUITE_LINE}description: One case that passes and one that expects the wrong decision.
mode: m2m
fixtures: [services]
cases:
  - principal: recon
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow, determining: [service.read-billing] }
  - principal: initiator
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow }
`;

describe('JUnit report', () => {
  let project: ProjectCopy;
  let results: CaseResult[];

  beforeAll(() => {
    project = suiteProject({ 'tests/policies/fixtures/services.yaml': SERVICES_FIXTURE, 'tests/policies/m2m/reads.test.yaml': SUITE });
    // Durations are fixed so that the report is exact.
    results = runSuites(loadPolicyTests({ root: project.root })).map((result, i) => ({ ...result, durationMs: i + 1 }));
  });
  afterAll(() => project.remove());

  it('has one testsuite per suite file and one testcase per case, with a failure carrying expected and actual', () => {
    expect(renderJunit(results, { suitesDir: 'tests/policies' })).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="policy suites" tests="2" failures="1" errors="0" time="0.003000">',
        '  <testsuite name="tests/policies/m2m/reads.test.yaml" tests="2" failures="1" errors="0" skipped="0" time="0.003000">',
        '    <properties>',
        '      <property name="mode" value="m2m"/>',
        '    </properties>',
        '    <testcase name="recon (read) ViewAccount acct-1 → allow" classname="m2m.reads" ' +
          'file="tests/policies/m2m/reads.test.yaml" line="6" time="0.001000"/>',
        '    <testcase name="initiator (write) ViewAccount acct-1 → allow" classname="m2m.reads" ' +
          'file="tests/policies/m2m/reads.test.yaml" line="10" time="0.002000">',
        '      <failure message="decision: expected allow, got deny" type="PolicyExpectationFailure">' +
          'tests/policies/m2m/reads.test.yaml:10:5 initiator_ViewAccount_acct-1&#10;' +
          'expected: allow, any determining policies, no errors&#10;actual:   deny, determined by [] (none), no errors&#10;' +
          '✗ decision: expected allow, got deny</failure>',
        '      <system-out>decision=deny determining=</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('escapes markup and drops control characters XML cannot hold', () => {
    const [first] = results;
    if (!first) throw new Error('no result');
    const tricky: CaseResult = { ...first, testCase: { ...first.testCase, name: `a <b> & "c" 'd'\u0001` } };
    expect(renderJunit([tricky], { suitesDir: 'tests/policies' })).toContain('name="a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;"');
  });
});
