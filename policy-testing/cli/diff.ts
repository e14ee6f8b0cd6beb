// `npm run diff -- --base <git-ref>`: which decisions the working tree's policies change compared with a revision.
import { CommandFailure, runCli, UsageError } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { diffDecisions } from '../diff.js';
import { diffJson, diffMarkdown } from '../diff-report.js';
import { PolicyTestingError } from '../errors.js';

const FAIL_ON = ['allow', 'deny', 'any'] as const;
type FailOn = (typeof FAIL_ON)[number];

const SPEC = {
  command: 'diff',
  usage: `usage: npm run diff -- --base <git-ref> [--json] [--fail-on allow|deny|any] [--root <dir>]
  --base     the revision to compare the working tree with (read with git show; nothing is checked out)
  --json     print the diff as JSON instead of markdown
  --fail-on  exit 1 when a decision newly allows (allow), newly denies (deny), or changes at all (any),
             and when no request was evaluated (an empty request space checks nothing)`,
  options: { base: { type: 'string' }, json: { type: 'boolean' }, 'fail-on': { type: 'string' }, root: { type: 'string' } },
} as const;

runCli(SPEC, ({ values }) => {
  if (values.base === undefined) throw new UsageError('--base <git-ref> is required');
  const failOn = failOnOf(values['fail-on']);
  let diff: ReturnType<typeof diffDecisions>;
  try {
    diff = diffDecisions({ root: values.root ?? process.cwd(), base: values.base });
  } catch (error) {
    // A revision git cannot read, or a project that does not load: the user's input, so exit 2 as before.
    if (error instanceof PolicyTestingError) throw new CommandFailure(`${error.name}: ${error.message}`, 2, { cause: error });
    throw error;
  }
  process.stdout.write(values.json ? diffJson(diff) : diffMarkdown(diff));
  // Unexplored is not unchanged: with no request to compare, "0 decisions changed" proves nothing, so a check fails.
  if (failOn !== undefined && diff.requests === 0) {
    process.stderr.write(
      `--fail-on ${failOn}: the request space is empty (0 requests evaluated), so no decision was compared; ` +
        'add policy suites under tests/policies/, or check that they load (npm run test:policies)\n',
    );
    return 1;
  }
  const failed =
    (failOn === 'allow' && diff.denyToAllow > 0) ||
    (failOn === 'deny' && diff.allowToDeny > 0) ||
    (failOn === 'any' && diff.changes.length > 0);
  if (failed)
    process.stderr.write(
      `--fail-on ${failOn}: ` +
        `${failOn === 'any' ? 'decisions changed' : `a request is newly ${failOn === 'allow' ? 'allowed' : 'denied'}`}\n`,
    );
  return failed ? 1 : 0;
});

function failOnOf(value: string | undefined): FailOn | undefined {
  if (value === undefined || isFailOn(value)) return value;
  const suggestion = closestMatch(value, FAIL_ON);
  throw new UsageError(
    `unknown --fail-on "${value}"; use one of ${FAIL_ON.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
  );
}

function isFailOn(value: string): value is FailOn {
  return (FAIL_ON as readonly string[]).includes(value);
}
