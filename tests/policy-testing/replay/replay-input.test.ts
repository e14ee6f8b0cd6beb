// What replay makes of its input: record lines in each form a log holds them, other lines skipped, broken lines named
// by file:line, records it cannot replay counted by reason, a missing --log refused cleanly, and bounded tallies.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DecisionLru } from '../../../policy-testing/replay/decision-lru.js';
import { readRecordLine } from '../../../policy-testing/replay/record-line.js';
import { recordText } from '../../../policy-testing/replay/record-text.js';
import { replayRecords, type ReplayReport } from '../../../policy-testing/replay/replay.js';
import { ReplayTally } from '../../../policy-testing/replay/tally.js';
import { ReplayInputError } from '../../../policy-testing/errors.js';
import { DECISION_RECORD_TYPE, REDACTED_VALUE, type ReplayableRecord } from '../../../runtime/observability/decision-record.js';
import { fixtureRoot } from '../../support/fixture-domain.js';
import { REPO_ROOT } from '../../support/project-copy.js';

const ROOT = fixtureRoot('billing');
const ref = (type: string, id: string) => ({ __entity: { type, id } });

/** carol, an admin of cust-1, views acct-9 (cust-1's): allowed by customer.read-own under the billing fixture. */
function viewRecord(accountId = 'acct-9'): ReplayableRecord {
  return {
    type: DECISION_RECORD_TYPE,
    version: 1,
    mode: 'customer',
    bundleVersion: '0000000000000000',
    timestamp: '2026-12-06T10:00:00.000Z',
    principal: { type: 'Billing::CustomerUser', id: 'carol' },
    action: { type: 'Billing::Action', id: 'ViewAccount' },
    resource: { type: 'Billing::Account', id: accountId },
    context: {},
    entities: [
      {
        uid: { type: 'Billing::CustomerUser', id: 'carol' },
        attrs: { userId: 'carol', customer: ref('Billing::Customer', 'cust-1') },
        parents: [{ type: 'Billing::Role', id: 'admin' }],
      },
      { uid: { type: 'Billing::Role', id: 'admin' }, attrs: {}, parents: [] },
      {
        uid: { type: 'Billing::Account', id: accountId },
        attrs: { owner: ref('Billing::Customer', 'cust-1'), tenant: ref('Billing::Tenant', 'bank-a'), currency: 'EUR', frozen: false },
        parents: [{ type: 'Billing::Customer', id: 'cust-1' }],
      },
      {
        uid: { type: 'Billing::Customer', id: 'cust-1' },
        attrs: { tenant: ref('Billing::Tenant', 'bank-a'), country: 'FR' },
        parents: [{ type: 'Billing::Tenant', id: 'bank-a' }],
      },
    ],
    templateLinks: [],
    redacted: [],
    decision: 'allow',
    determiningPolicies: ['customer.read-own'],
    errors: [],
  };
}

const powertoolsLine = (record: unknown) => JSON.stringify({ level: 'INFO', message: 'decision record', record });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logFolder(files: Readonly<Record<string, readonly string[]>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'replay-input-'));
  dirs.push(dir);
  for (const [name, lines] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  }
  return dir;
}

const replay = (log: string, cacheEntries?: number): Promise<ReplayReport> =>
  replayRecords({ root: ROOT, log, against: { kind: 'recorded' }, onProgress: () => undefined, ...(cacheEntries ? { cacheEntries } : {}) });

describe('reading a line', () => {
  it('reads a Powertools line, a bare record, and a record behind a CloudWatch export prefix alike', () => {
    const record = viewRecord();
    expect(readRecordLine(powertoolsLine(record))).toEqual({ kind: 'record', record });
    expect(readRecordLine(JSON.stringify(record))).toEqual({ kind: 'record', record });
    expect(readRecordLine(`2026-12-06T10:00:00.000Z\t${JSON.stringify(record)}`)).toEqual({ kind: 'record', record });
  });

  it('skips the decision line and text that is not a record', () => {
    expect(readRecordLine(JSON.stringify({ message: 'authorization decision', decision: { result: 'allow' } }))).toEqual({ kind: 'other' });
    expect(readRecordLine('START RequestId: 1f2e Version: $LATEST')).toEqual({ kind: 'other' });
    expect(readRecordLine('')).toEqual({ kind: 'other' });
  });

  it('calls a truncated record line bad, and a record without its entities bad, saying what is wrong', () => {
    const text = powertoolsLine(viewRecord());
    expect(readRecordLine(text.slice(0, 200))).toMatchObject({ kind: 'bad', reason: expect.stringMatching(/^not valid JSON/) });
    const { entities: _dropped, ...withoutEntities } = viewRecord();
    expect(readRecordLine(powertoolsLine(withoutEntities))).toEqual({
      kind: 'bad',
      reason: "the record's `entities` is missing or malformed",
    });
  });
});

describe("a record's text, the key of a repeated request", () => {
  it('is the same for two records that differ only in their time, and differs when the request does', () => {
    const early = powertoolsLine(viewRecord());
    const late = JSON.stringify({ level: 'INFO', timestamp: 'later', record: { ...viewRecord(), timestamp: '2026-12-07T00:00:00.000Z' } });
    expect(recordText(early)).toBe(recordText(late));
    expect(recordText(early)).not.toBe(recordText(powertoolsLine(viewRecord('acct-8'))));
    expect(recordText(`2026-12-06T10:00:00.000Z\t${JSON.stringify(viewRecord())}`)).toBe(recordText(early));
  });

  it('reads past braces and quotes inside strings, and is undefined for a record cut short', () => {
    const odd = { ...viewRecord(), context: { note: 'a } and a \\" and a {' } };
    expect(recordText(powertoolsLine(odd))).toBe(JSON.stringify(odd).replace(',"timestamp":"2026-12-06T10:00:00.000Z"', ''));
    expect(recordText(powertoolsLine(viewRecord()).slice(0, 300))).toBeUndefined();
  });
});

describe('replaying a folder of logs', () => {
  it('replays the records of every file, skips other lines, and names each bad line by file:line', async () => {
    // arrange
    const dir = logFolder({
      'a.log': [powertoolsLine(viewRecord()), JSON.stringify({ message: 'authorization decision' }), 'plain text'],
      'nested/b.log': [`2026-12-06T10:00:01.000Z\t${JSON.stringify(viewRecord('acct-8'))}`, powertoolsLine(viewRecord()).slice(0, 300)],
    });

    // act
    const { totals, files } = await replay(dir);

    // assert
    expect(files).toBe(2);
    expect({ lines: totals.lines, records: totals.records, replayed: totals.replayed, skipped: totals.skippedLines }).toEqual({
      lines: 5,
      records: 2,
      replayed: 2,
      skipped: 2,
    });
    expect(totals.allowToDeny + totals.denyToAllow).toBe(0);
    expect(totals.badLineCount).toBe(1);
    expect(totals.badLines[0]?.examples).toEqual([`${join(dir, 'nested/b.log')}:2`]);
  });

  it('counts and names records it cannot replay: an unknown mode, an unknown version, a redacted value a policy reads', async () => {
    // arrange: guardrails read context.approverId, so a record whose approverId was redacted cannot be re-decided
    const payment: ReplayableRecord = {
      ...viewRecord(),
      action: { type: 'Billing::Action', id: 'CreatePayment' },
      context: { amount: 100, currency: 'EUR', approverId: REDACTED_VALUE },
      redacted: ['context.approverId'],
    };
    const dir = logFolder({
      'x.log': [
        powertoolsLine({ ...viewRecord(), mode: 'no-such-mode' }),
        powertoolsLine({ ...viewRecord(), version: 99 }),
        powertoolsLine(payment),
        powertoolsLine(viewRecord()),
      ],
    });

    // act
    const { totals } = await replay(join(dir, 'x.log'));

    // assert
    const file = join(dir, 'x.log');
    expect({ records: totals.records, replayed: totals.replayed, unreplayable: totals.unreplayableCount }).toEqual({
      records: 4,
      replayed: 1,
      unreplayable: 3,
    });
    expect(totals.unreplayable.map((r) => [r.reason, r.examples])).toEqual([
      ['record version 99 is not one this replay reads', [`${file}:2`]],
      [
        'redacted context.approverId is read by shared.forbid-large-payment-without-approver, ' +
          'shared.forbid-self-approved-payment (working tree)',
        [`${file}:3`],
      ],
      ['unknown mode no-such-mode in the working tree', [`${file}:1`]],
    ]);
  });

  it('a redacted value no policy reads does not stop the record replaying', async () => {
    // arrange: no billing policy reads `email`
    const redacted = viewRecord();
    const withMarker: ReplayableRecord = {
      ...redacted,
      entities: redacted.entities.map((e, i) => (i === 0 ? { ...e, attrs: { ...e.attrs, email: REDACTED_VALUE } } : e)),
      redacted: ['principal.email'],
    };
    const dir = logFolder({ 'x.log': [powertoolsLine(withMarker)] });

    // act
    const { totals } = await replay(join(dir, 'x.log'));

    // assert
    expect({ replayed: totals.replayed, unreplayable: totals.unreplayableCount, flipped: totals.allowToDeny }).toEqual({
      replayed: 1,
      unreplayable: 0,
      flipped: 0,
    });
  });

  it('refuses a --log path that does not exist with a ReplayInputError naming it', async () => {
    await expect(replay('/no/such/records.log')).rejects.toThrow(
      new ReplayInputError('--log /no/such/records.log: no such file or folder; give a file of decision records or a folder of them'),
    );
  });
});

describe('streaming in bounded memory', () => {
  it('decides each distinct request once while it is recent, and again after the bounded cache let it go', async () => {
    // arrange: 3 distinct requests, 3,000 records, in an order that defeats a cache of 2
    const lines = Array.from({ length: 3000 }, (_, i) => powertoolsLine(viewRecord(`acct-${i % 3}`)));
    const dir = logFolder({ 'x.log': lines });

    // act
    const roomy = await replay(join(dir, 'x.log'));
    const tight = await replay(join(dir, 'x.log'), 2);

    // assert
    expect({ replayed: roomy.totals.replayed, evaluations: roomy.evaluations, hits: roomy.cacheHits }).toEqual({
      replayed: 3000,
      evaluations: 3,
      hits: 2997,
    });
    expect({ replayed: tight.totals.replayed, evaluations: tight.evaluations, hits: tight.cacheHits }).toEqual({
      replayed: 3000,
      evaluations: 3000,
      hits: 0,
    });
  });

  it('the cache never holds more than its bound', () => {
    const lru = new DecisionLru<number>(2);
    for (const key of ['a', 'b', 'c', 'a']) lru.getOrCompute(key, () => 1);
    expect({ size: lru.size, misses: lru.misses, hits: lru.hits }).toEqual({ size: 2, misses: 4, hits: 0 });
  });

  it('lists at most 1,000 distinct flipped requests and counts the rest', () => {
    // arrange
    const tally = new ReplayTally();
    const allow = { decision: 'allow' as const, determining: ['p'], errors: [] };
    const deny = { decision: 'deny' as const, determining: [], errors: [] };

    // act
    for (let i = 0; i < 1500; i++) tally.compared(viewRecord(`acct-${i}`), allow, deny, `x.log:${i + 1}`);
    tally.compared(viewRecord('acct-0'), allow, deny, 'x.log:1501');

    // assert
    const totals = tally.totals();
    expect({ listed: totals.flipped.length, notListed: totals.flippedNotListed, allowToDeny: totals.allowToDeny }).toEqual({
      listed: 1000,
      notListed: 500,
      allowToDeny: 1501,
    });
    expect(totals.flipped.find((row) => row.resource === 'Billing::Account::"acct-0"')).toMatchObject({ records: 2, firstSeen: 'x.log:1' });
  });
});

describe('the replay CLI', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'policy-testing/cli/replay.ts', '--root', ROOT, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });

  it('exits 2 with a clear message and no stack trace when --log does not exist', () => {
    const run = cli('--log', '/no/such/folder');
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: '' });
    expect(run.stderr).toContain(
      'replay: ReplayInputError: --log /no/such/folder: no such file or folder; give a file of decision records or a folder of them',
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 with the usage when --log is missing', () => {
    const run = cli();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('replay: --log <file or folder of decision records> is required\nusage: npm run replay');
  });

  it('fails --fail-on unreplayable on a bad line, and prints JSON with --format json', () => {
    // arrange
    const dir = logFolder({ 'x.log': [powertoolsLine(viewRecord()), powertoolsLine(viewRecord()).slice(0, 120)] });

    // act
    const run = cli('--log', join(dir, 'x.log'), '--fail-on', 'unreplayable', '--format', 'json');

    // assert
    const printed = JSON.parse(run.stdout) as { summary: string; totals: { badLineCount: number } };
    expect({ status: run.status, summary: printed.summary, bad: printed.totals.badLineCount }).toEqual({
      status: 1,
      summary: '0 decisions flipped: 0 allow→deny, 0 deny→allow',
      bad: 1,
    });
    expect(run.stderr).toBe('replay: --fail-on unreplayable: 1 records or lines were not replayed\n');
  });

  it('fails any --fail-on when no record was replayed: an empty log compares nothing', () => {
    const dir = logFolder({ 'x.log': ['not a record'] });
    const run = cli('--log', join(dir, 'x.log'), '--fail-on', 'any');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('replay: --fail-on any: no record was replayed (0 records read), so nothing was compared');
  });
});
