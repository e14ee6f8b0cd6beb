// Issue 17's second miss: moving edit_issue from writers to maintainers flipped no request, because no fixture user is
// a writer who is not the reporter. The widened diff builds that user and shows the loss.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDecisions, type DecisionDiff } from '../../../policy-testing/diff.js';
import type { ProjectCopy } from '../../support/project-copy.js';
import { commitAll, edit } from '../../support/git-project.js';
import { copyFixtureProject } from './fixture-project.js';

const WRITERS = 'Tracker::Group::"writers"';
const MAINTAINERS = 'Tracker::Group::"maintainers"';

describe('a permit moved from principal in writers to principal in maintainers (tests/fixtures/issue-tracker)', () => {
  let project: ProjectCopy;
  let diff: DecisionDiff;

  beforeAll(() => {
    // GIVEN the issue tracker committed, whose suite's users are a maintainer (also a writer) and the reporter
    project = copyFixtureProject('issue-tracker');
    commitAll(project.root);
    // AND a working tree where only maintainers edit every issue
    edit(project.root, 'policies/issues/editing.cedar', 'Tracker::Group::"writers"', 'Tracker::Group::"maintainers"');
    // WHEN the working tree is compared with HEAD
    diff = diffDecisions({ root: project.root, base: 'HEAD' });
  });
  afterAll(() => project.remove());

  it('shows a synthetic writer who is not a maintainer nor the reporter losing edit_issue, and a maintainer-only user gaining it', () => {
    expect(
      diff.changes.map((change) => [
        change.action,
        change.principal,
        change.principalUid,
        change.resource,
        change.before,
        change.after,
        change.origins,
      ]),
    ).toEqual([
      [
        'edit_issue',
        'synthetic maintainers member (not in writers; no resource names it)',
        'Tracker::User::"synthetic-maintainers-member"',
        'issue-1',
        { decision: 'deny', determining: [], errors: [] },
        { decision: 'allow', determining: ['issues.writers-edit'], errors: [] },
        [`from issues.writers-edit: principal in ${MAINTAINERS}, not in ${WRITERS} (synthetic Tracker::User)`],
      ],
      [
        'edit_issue',
        'synthetic writers member (not in maintainers; no resource names it)',
        'Tracker::User::"synthetic-writers-member"',
        'issue-1',
        { decision: 'allow', determining: ['issues.writers-edit'], errors: [] },
        { decision: 'deny', determining: [], errors: [] },
        [`from issues.writers-edit: principal in ${WRITERS}, not in ${MAINTAINERS} (synthetic Tracker::User)`],
      ],
    ]);
  });

  it('keeps the maintainer and the reporter allowed: no flip names a fixture user', () => {
    expect(diff.changes.filter((change) => !change.principal.startsWith('synthetic '))).toEqual([]);
    expect({ allowToDeny: diff.allowToDeny, denyToAllow: diff.denyToAllow, notes: diff.notes }).toEqual({
      allowToDeny: 1,
      denyToAllow: 1,
      notes: [],
    });
  });
});
