// `npm run replay -- --log <file or folder>`: re-decides recorded decisions with the working tree's policies (or
// compares a base revision's with them) and reports what flips.
import { CommandFailure, runCli, UsageError } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { PolicyTestingError } from '../errors.js';
import { progressBar } from '../replay/progress.js';
import { replayRecords, type ReplayReport } from '../replay/replay.js';
import { replayJson, replayMarkdown } from '../replay/report.js';

const FORMATS = ['markdown', 'json'] as const;
const FAIL_ON = ['allow', 'deny', 'any', 'unreplayable'] as const;
type FailOn = (typeof FAIL_ON)[number];

const SPEC = {
  command: 'replay',
  usage: `usage: npm run replay -- --log <file or folder> [--base <git-ref>] [--format markdown|json] [--fail-on ...] [--root <dir>]
  --log      a file of decision records (the authorizer's log, one JSON line each), or a folder of such files
  --base     compare the working tree's decisions with this revision's instead of the recorded ones (read with git show)
  --format   markdown (default) or json
  --fail-on  exit 1 when a decision newly allows (allow), newly denies (deny), flips at all (any), or when a record
             or line could not be replayed (unreplayable); repeatable. Any --fail-on also fails when no record was replayed`,
  options: {
    log: { type: 'string' },
    base: { type: 'string' },
    format: { type: 'string' },
    'fail-on': { type: 'string', multiple: true },
    root: { type: 'string' },
  },
} as const;

runCli(SPEC, async ({ values }) => {
  if (values.log === undefined) throw new UsageError('--log <file or folder of decision records> is required');
  const format = oneOf('--format', values.format ?? 'markdown', FORMATS);
  const failOn = (values['fail-on'] ?? []).map((value) => oneOf('--fail-on', value, FAIL_ON));
  const bar = progressBar(process.stderr);
  let report: ReplayReport;
  try {
    report = await replayRecords({
      root: values.root ?? process.cwd(),
      log: values.log,
      against: values.base === undefined ? { kind: 'recorded' } : { kind: 'base', ref: values.base },
      onProgress: (progress) => bar.update(progress),
    });
  } catch (error) {
    // A missing log, a revision git cannot read: the user's input, exit 2 with the message and no stack trace.
    if (error instanceof PolicyTestingError) throw new CommandFailure(`${error.name}: ${error.message}`, 2, { cause: error });
    throw error;
  } finally {
    bar.done();
  }
  process.stdout.write(format === 'json' ? replayJson(report) : replayMarkdown(report));
  const failures = failuresOf(report, failOn);
  for (const failure of failures) process.stderr.write(`replay: --fail-on ${failure}\n`);
  return failures.length > 0 ? 1 : 0;
});

function failuresOf({ totals }: ReplayReport, failOn: readonly FailOn[]): string[] {
  if (failOn.length === 0) return [];
  // Unexplored is not unchanged: a log with no replayable record proves nothing.
  if (totals.replayed === 0)
    return [`${failOn.join(', ')}: no record was replayed (${totals.records} records read), so nothing was compared`];
  const failures: string[] = [];
  if (failOn.includes('allow') && totals.denyToAllow > 0) failures.push(`allow: ${totals.denyToAllow} records are newly allowed`);
  if (failOn.includes('deny') && totals.allowToDeny > 0) failures.push(`deny: ${totals.allowToDeny} records are newly denied`);
  if (failOn.includes('any') && totals.allowToDeny + totals.denyToAllow > 0) failures.push('any: decisions flipped');
  const notReplayed = totals.unreplayableCount + totals.badLineCount;
  if (failOn.includes('unreplayable') && notReplayed > 0) failures.push(`unreplayable: ${notReplayed} records or lines were not replayed`);
  return failures;
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((item) => item === value);
  if (found !== undefined) return found;
  const suggestion = closestMatch(value, allowed);
  throw new UsageError(
    `unknown ${option} "${value}"; use one of ${allowed.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
  );
}
