// The whole fixture project of a domain under tests/fixtures/, copied for a widening test to commit and edit.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type ProjectCopy } from '../../support/project-copy.js';

/**
 * The whole fixture project at tests/fixtures/<name> (its suites too) in a temporary folder. The issue tracker is kept
 * out of FIXTURE_DOMAINS on purpose: it exists for the diff's widening tests, not for every toolkit test.
 */
export function copyFixtureProject(name: string): ProjectCopy {
  const root = mkdtempSync(join(tmpdir(), 'authz-widening-'));
  cpSync(join(REPO_ROOT, 'tests/fixtures', name), root, { recursive: true });
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
