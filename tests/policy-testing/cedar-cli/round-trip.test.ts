import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../policy-testing/cedar-cli/export-suites.js';
import { loadPolicyTests } from '../../../policy-testing/load-tests.js';
import { runSuites, type CaseResult } from '../../../policy-testing/run-suites.js';
import { FIXTURE_DOMAINS, fixtureRoot } from '../../support/fixture-domain.js';
import { copyProject, type ProjectCopy } from '../../support/project-copy.js';

function suitesCli(args: readonly string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'policy-testing/cli/suites.ts', ...args], { encoding: 'utf8' });
}

/** The key an exported test's name carries: `<case id> (<suite file>:<line>)`. */
function keyOf(result: CaseResult): string {
  return `${result.testCase.id} (${result.testCase.suite}:${result.testCase.position.line})`;
}

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

describe.each(FIXTURE_DOMAINS)('export → import → load → run on the %s fixture domain', (domain) => {
  it('gives every exported case the decision and determining policies of the original, and refuses only error expectations', () => {
    // Arrange: the domain's own suites, and a copy of its project without them, to import into.
    const original = loadPolicyTests({ root: fixtureRoot(domain) });
    const originalResults = runSuites(original);
    const dir = mkdtempSync(join(tmpdir(), 'cedar-export-'));
    const project: ProjectCopy = copyProject({ domain });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), project.remove);

    // Act
    const exported = suitesCli(['export', '--cedar', dir, '--root', fixtureRoot(domain)]);
    const imported = suitesCli(['import', '--cedar', dir, '--root', project.root]);
    const reloaded = loadPolicyTests({ root: project.root });
    const importedResults = runSuites(reloaded);

    // Assert
    // A suite that does not load here (a `policySource: bundle` suite needs `npm run generate`) fails the export.
    const unloaded = original.diagnostics.some((d) => d.severity === 'error');
    expect(exported.status, exported.stderr).toBe(unloaded ? 1 : 0);
    expect(imported.status, imported.stderr).toBe(0);
    expect(reloaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const withErrors = originalResults.filter((r) => r.testCase.expect.errors.length > 0).map(keyOf);
    expect(manifest.refused.map((note) => `${note.caseId} (${note.at})`).sort()).toEqual([...withErrors].sort());

    const byKey = new Map(importedResults.map((r) => [r.testCase.description ?? '', r]));
    const exportedOriginals = originalResults.filter((r) => r.testCase.expect.errors.length === 0);
    expect(importedResults).toHaveLength(exportedOriginals.length);
    for (const result of exportedOriginals) {
      const again = byKey.get(keyOf(result));
      expect(again, `no imported case for ${keyOf(result)}`).toBeDefined();
      expect({ key: keyOf(result), decision: again?.outcome.decision, determining: again?.outcome.determining }).toEqual({
        key: keyOf(result),
        decision: result.outcome.decision,
        determining: result.outcome.determining,
      });
      expect(again?.verdict.problems, keyOf(result)).toEqual([]);
    }
  }, 120_000);
});
