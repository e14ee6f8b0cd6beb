// End to end: a soak through the local gateways of the billing fixture with decision records on, its records
// replayed with the same policies (nothing flips, every record replays), then with a forbid added (exactly the
// records an independent reading of the records predicts flip), and against the base revision with git.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../support/git-project.js';
import { benchSoak } from '../../../bench/soak.js';
import { replayRecords, type ReplayReport } from '../../../policy-testing/replay/replay.js';
import type { ReplayableRecord } from '../../../runtime/observability/decision-record.js';
import { MemoryTelemetry } from '../../../runtime/observability/telemetry.js';
import { fixtureRoot } from '../../support/fixture-domain.js';
import { copyProject, REPO_ROOT, type ProjectCopy } from '../../support/project-copy.js';

const FORBID_GBP = `/// Replay test: a payment in pounds is refused, whoever asks.
@id("shared.forbid-gbp")
forbid (principal, action == Billing::Action::"CreatePayment", resource)
when { context.currency == "GBP" };
`;

let records: ReplayableRecord[] = [];
let logDir: string;
let logFile: string;
let decisionLines = 0;
let project: ProjectCopy;

beforeAll(async () => {
  // arrange: 800 requests across the four modes; the customer mode redacts `email`, which no billing policy reads.
  const telemetry = new MemoryTelemetry();
  const soak = await benchSoak({
    requests: 800,
    concurrency: 6,
    seed: 17,
    telemetry,
    adjustMode: (mode) => ({ ...mode, decisionRecords: { redactClaims: mode.name === 'customer' ? ['email'] : [] } }),
  });
  expect(soak.wrongDecisions).toBe(0);
  records = telemetry.replayable;
  decisionLines = telemetry.records.length;
  logDir = mkdtempSync(join(tmpdir(), 'replay-soak-'));
  logFile = join(logDir, 'authorizer.log');
  // The log as the authorizers write it: Powertools JSON lines, decision lines and record lines interleaved.
  const lines = [
    ...telemetry.records.map((decision) => JSON.stringify({ level: 'INFO', message: 'authorization decision', decision })),
    ...records.map((record) => JSON.stringify({ level: 'INFO', message: 'decision record', record })),
  ];
  writeFileSync(logFile, `${lines.join('\n')}\n`);
  project = copyProject({ domain: 'billing' });
}, 180_000);

afterAll(() => {
  rmSync(logDir, { recursive: true, force: true });
  project.remove();
});

const replay = (root: string, against: Parameters<typeof replayRecords>[0]['against'] = { kind: 'recorded' }): Promise<ReplayReport> =>
  replayRecords({ root, log: logFile, against, onProgress: () => undefined });

/** What the forbid must flip, read from the records alone: each allowed payment in GBP. */
function expectedGbpFlips(): ReplayableRecord[] {
  return records.filter((r) => r.action.id === 'CreatePayment' && r.context['currency'] === 'GBP' && r.decision === 'allow');
}

describe('replaying soak records with the policies that made them', () => {
  it('the soak wrote records for every mode, and the redacted email never reached the log', () => {
    expect(new Set(records.map((r) => r.mode))).toEqual(new Set(['customer', 'internal', 'm2m', 'multi-tenant']));
    expect(records.some((r) => r.redacted.includes('principal.email'))).toBe(true);
  });

  it('replays every record and flips none', async () => {
    // act
    const report = await replay(fixtureRoot('billing'));

    // assert
    const { totals } = report;
    expect({
      records: totals.records,
      replayed: totals.replayed,
      unreplayable: totals.unreplayable,
      badLines: totals.badLines,
      skipped: totals.skippedLines,
      flipped: totals.allowToDeny + totals.denyToAllow,
      determiningChanged: totals.determiningChanged,
    }).toEqual({
      records: records.length,
      replayed: records.length,
      unreplayable: [],
      badLines: [],
      skipped: decisionLines,
      flipped: 0,
      determiningChanged: 0,
    });
    const byAction = totals.byAction.reduce((sum, a) => sum + a.replayed, 0);
    expect(byAction).toBe(records.length);
  });
});

describe('replaying soak records after a policy change', () => {
  beforeAll(() => {
    git(project.root, 'init', '-q');
    git(project.root, 'add', '-A');
    git(project.root, 'commit', '-q', '-m', 'base');
    mkdirSync(join(project.root, 'policies/shared'), { recursive: true });
    writeFileSync(join(project.root, 'policies/shared/forbid-gbp.cedar'), FORBID_GBP);
  });

  it('flips exactly the allowed GBP payment requests to deny, each determined by the new forbid', async () => {
    // arrange
    const expected = expectedGbpFlips();
    expect(expected.length).toBeGreaterThan(0);

    // act
    const { totals } = await replay(project.root);

    // assert
    expect({ allowToDeny: totals.allowToDeny, denyToAllow: totals.denyToAllow, replayed: totals.replayed }).toEqual({
      allowToDeny: expected.length,
      denyToAllow: 0,
      replayed: records.length,
    });
    const listed = totals.flipped.flatMap((row) => Array.from({ length: row.records }, () => row));
    expect(listed).toHaveLength(expected.length);
    for (const row of totals.flipped) {
      expect(row.action).toBe('CreatePayment');
      expect(row.context['currency']).toBe('GBP');
      expect(row.after).toEqual({ decision: 'deny', determining: ['shared.forbid-gbp'], errors: [] });
    }
    const expectedRows = new Set(expected.map((r) => `${r.mode} ${r.principal.id} ${r.resource.id} ${JSON.stringify(r.context)}`));
    const rows = new Set(
      totals.flipped.map(
        (row) => `${row.mode} ${/"(.*)"$/.exec(row.principal)?.[1]} ${/"(.*)"$/.exec(row.resource)?.[1]} ${JSON.stringify(row.context)}`,
      ),
    );
    expect(rows).toEqual(expectedRows);
    expect(totals.byPolicy.find((p) => p.policy === 'shared.forbid-gbp')).toMatchObject({
      before: 0,
      flippedTo: expected.length,
    });
  });

  it('with --base, compares the base revision’s decisions (the recorded ones) with the working tree’s', async () => {
    // act
    const report = await replay(project.root, { kind: 'base', ref: 'HEAD' });

    // assert
    expect(report.against).toMatchObject({ kind: 'base', revision: { ref: 'HEAD' } });
    expect({ allowToDeny: report.totals.allowToDeny, denyToAllow: report.totals.denyToAllow }).toEqual({
      allowToDeny: expectedGbpFlips().length,
      denyToAllow: 0,
    });
  });

  it('the CLI prints the report and fails the check with --fail-on deny', () => {
    // act
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'policy-testing/cli/replay.ts', '--root', project.root, '--log', logFile, '--fail-on', 'deny'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );

    // assert
    const flips = expectedGbpFlips().length;
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`**${flips} decision${flips === 1 ? '' : 's'} flipped: ${flips} allow→deny, 0 deny→allow**`);
    expect(run.stdout).toContain('| shared.forbid-gbp |');
    expect(run.stderr).toContain(`replay: --fail-on deny: ${flips} records are newly denied`);
  });
});
