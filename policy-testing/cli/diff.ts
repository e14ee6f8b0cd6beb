// `npm run diff -- --base <git-ref>`: which decisions the working tree's policies change compared with a revision.
import { parseArgs } from 'node:util';
import { diffDecisions } from '../diff.js';
import { diffJson, diffMarkdown } from '../diff-report.js';
import { PolicyTestingError } from '../errors.js';

const FAIL_ON = ['allow', 'deny', 'any'] as const;
type FailOn = (typeof FAIL_ON)[number];

const USAGE = `usage: npm run diff -- --base <git-ref> [--json] [--fail-on allow|deny|any] [--root <dir>]
  --base     the revision to compare the working tree with (read with git show; nothing is checked out)
  --json     print the diff as JSON instead of markdown
  --fail-on  exit 1 when a decision newly allows (allow), newly denies (deny), or changes at all (any)`;

function main(argv: string[]): number {
  let values: { base?: string; json?: boolean; 'fail-on'?: string; root?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        base: { type: 'string' },
        json: { type: 'boolean' },
        'fail-on': { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const failOn = values['fail-on'];
  if (!values.base || (failOn !== undefined && !FAIL_ON.includes(failOn as FailOn))) {
    process.stderr.write(`${values.base ? `unknown --fail-on "${failOn}"` : '--base <git-ref> is required'}\n${USAGE}\n`);
    return 2;
  }
  let diff;
  try {
    diff = diffDecisions({ root: values.root ?? process.cwd(), base: values.base });
  } catch (error) {
    if (!(error instanceof PolicyTestingError)) throw error;
    process.stderr.write(`${error.name}: ${error.message}\n`);
    return 2;
  }
  process.stdout.write(values.json ? diffJson(diff) : diffMarkdown(diff));
  const failed =
    (failOn === 'allow' && diff.denyToAllow > 0) ||
    (failOn === 'deny' && diff.allowToDeny > 0) ||
    (failOn === 'any' && diff.changes.length > 0);
  if (failed)
    process.stderr.write(
      `--fail-on ${failOn}: ${failOn === 'any' ? 'decisions changed' : `a request is newly ${failOn === 'allow' ? 'allowed' : 'denied'}`}\n`,
    );
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
