// `npm run diff -- --base <git-ref>`: which decisions the working tree's policies change compared with a revision.
import { CommandFailure, runCli, UsageError } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { type DecisionDiff, diffDecisions } from '../diff.js';
import { describeUnexplored, locationOf } from '../diff-findings.js';
import { diffJson, diffMarkdown } from '../diff-report.js';
import { PolicyTestingError } from '../errors.js';

const FAIL_ON = ['allow', 'deny', 'any', 'unexercised'] as const;
type FailOn = (typeof FAIL_ON)[number];
const FORMATS = ['markdown', 'json'] as const;
type Format = (typeof FORMATS)[number];

const SPEC = {
  command: 'diff',
  usage: `usage: npm run diff -- --base <git-ref> [--format markdown|json] [--fail-on <value>[,<value>]...] [--root <dir>]
  --base     the revision to compare the working tree with (read with git show; nothing is checked out)
  --format   markdown (the default, for a PR comment) or json (everything: changes, counts, policy changes, groups)
  --json     the same as --format json
  --fail-on  exit 1 when a decision newly allows (allow), newly denies (deny), or changes at all (any), or when a
             changed policy determines no request on either side (unexercised); comma-separated or repeated.
             With any value it also fails when part of the space is unexplored: no request at all, a working-tree
             file that did not load, or a mode holding a changed policy with no request`,
  options: {
    base: { type: 'string' },
    format: { type: 'string' },
    json: { type: 'boolean' },
    'fail-on': { type: 'string', multiple: true },
    root: { type: 'string' },
  },
} as const;

runCli(SPEC, ({ values }) => {
  if (values.base === undefined) throw new UsageError('--base <git-ref> is required');
  const failOn = failOnOf(values['fail-on'] ?? []);
  const format = formatOf(values.format, values.json === true);
  let diff: DecisionDiff;
  try {
    diff = diffDecisions({ root: values.root ?? process.cwd(), base: values.base });
  } catch (error) {
    // A revision git cannot read, or a project that does not load: the user's input, so exit 2 as before.
    if (error instanceof PolicyTestingError) throw new CommandFailure(`${error.name}: ${error.message}`, 2, { cause: error });
    throw error;
  }
  process.stdout.write(format === 'json' ? diffJson(diff) : diffMarkdown(diff));
  if (failOn.length === 0) return 0;
  const reasons = failures(diff, failOn);
  for (const reason of reasons) process.stderr.write(`--fail-on ${failOn.join(',')}: ${reason}\n`);
  return reasons.length > 0 ? 1 : 0;
});

/** Why the check fails, one line each; none when it passes. */
function failures(diff: DecisionDiff, failOn: readonly FailOn[]): string[] {
  // Unexplored is not unchanged: what the space does not hold, "0 decisions changed" proves nothing about.
  const reasons = diff.unexplored.map(describeUnexplored);
  if (failOn.includes('allow') && diff.denyToAllow > 0) reasons.push(`${count(diff.denyToAllow, 'request')} newly allowed`);
  if (failOn.includes('deny') && diff.allowToDeny > 0) reasons.push(`${count(diff.allowToDeny, 'request')} newly denied`);
  if (failOn.includes('any') && diff.changes.length > 0) reasons.push(`${count(diff.changes.length, 'decision')} changed`);
  const unexercised = diff.policyChanges.filter((change) => change.unexercised);
  if (failOn.includes('unexercised') && unexercised.length > 0) {
    reasons.push(
      `${unexercised.length === 1 ? '1 changed policy determines' : `${unexercised.length} changed policies determine`} ` +
        `no request on either side (unexercised): ${unexercised.map((change) => `${change.id} (${locationOf(change)})`).join(', ')}; ` +
        'add a policy test case that reaches each one',
    );
  }
  return reasons;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

/** `--fail-on allow,unexercised --fail-on deny` → allow, unexercised, deny. */
function failOnOf(given: readonly string[]): FailOn[] {
  const values = given.flatMap((value) => value.split(',')).map((value) => value.trim());
  for (const value of values) {
    if (isOneOf(value, FAIL_ON)) continue;
    const suggestion = closestMatch(value, FAIL_ON);
    throw new UsageError(
      `unknown --fail-on "${value}"; use one of ${FAIL_ON.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    );
  }
  return [...new Set(values.filter((value): value is FailOn => isOneOf(value, FAIL_ON)))];
}

function formatOf(value: string | undefined, json: boolean): Format {
  if (value === undefined) return json ? 'json' : 'markdown';
  if (!isOneOf(value, FORMATS)) throw new UsageError(`unknown --format "${value}"; use one of ${FORMATS.join(', ')}`);
  if (json && value !== 'json') throw new UsageError(`--json and --format ${value} disagree; give one of them`);
  return value;
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}
