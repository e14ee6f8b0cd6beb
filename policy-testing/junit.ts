// Renders case results as JUnit XML, one <testcase> per policy case and one <testsuite> per suite file, for CI systems.
import type { CaseResult } from './run-suites.js';

export interface JunitOptions {
  /** The name of the whole report. @default policy suites */
  readonly name?: string;
  /** Stripped from suite paths to make class names: `tests/policies/customer/orders.test.yaml` → `customer.orders`. */
  readonly suitesDir: string;
}

export function renderJunit(results: readonly CaseResult[], { name = 'policy suites', suitesDir }: JunitOptions): string {
  const bySuite = new Map<string, CaseResult[]>();
  for (const result of results) bySuite.set(result.testCase.suite, [...(bySuite.get(result.testCase.suite) ?? []), result]);
  const failures = results.filter((result) => !result.verdict.pass).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(name)}" tests="${results.length}" failures="${failures}" errors="0" time="${seconds(results)}">`,
  ];
  for (const [file, suiteResults] of [...bySuite].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const className = file
      .replace(`${suitesDir}/`, '')
      .replace(/\.test\.yaml$/, '')
      .replace(/\//g, '.');
    const suiteFailures = suiteResults.filter((result) => !result.verdict.pass).length;
    lines.push(
      `  <testsuite name="${xml(file)}" tests="${suiteResults.length}" ` +
        `failures="${suiteFailures}" errors="0" skipped="0" time="${seconds(suiteResults)}">`,
    );
    lines.push(
      '    <properties>',
      `      <property name="mode" value="${xml(suiteResults[0]?.testCase.mode ?? '')}"/>`,
      '    </properties>',
    );
    for (const { testCase, verdict, durationMs, outcome } of suiteResults) {
      const attributes =
        `name="${xml(testCase.name)}" classname="${xml(className)}" file="${xml(testCase.suite)}" ` +
        `line="${testCase.position.line}" time="${(durationMs / 1000).toFixed(6)}"`;
      if (verdict.pass) {
        lines.push(`    <testcase ${attributes}/>`);
        continue;
      }
      lines.push(
        `    <testcase ${attributes}>`,
        `      <failure message="${xml(verdict.problems.join('; '))}" type="PolicyExpectationFailure">${xml(
          `${testCase.suite}:${testCase.position.line}:${testCase.position.column} ${testCase.id}\n${verdict.report}`,
        )}</failure>`,
        `      <system-out>${xml(`decision=${outcome.decision} determining=${outcome.determining.join(',')}`)}</system-out>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function seconds(results: readonly CaseResult[]): string {
  return (results.reduce((sum, result) => sum + result.durationMs, 0) / 1000).toFixed(6);
}

/** Escapes text for an XML attribute or element, and drops the control characters XML 1.0 cannot hold. */
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;');
}
