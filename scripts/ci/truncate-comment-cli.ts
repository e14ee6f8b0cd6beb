// `tsx scripts/ci/truncate-comment-cli.ts <report.md> --report-url <url>`: prints the report as it fits in one PR
// comment (scripts/ci/truncate-comment.ts), for the pull-request workflow's github-script step to post.
import { readFileSync } from 'node:fs';
import { CommandFailure, runCli, UsageError } from '../../common/cli/command-line.js';
import { truncateComment } from './truncate-comment.js';

runCli(
  {
    command: 'truncate-comment',
    usage: 'usage: tsx scripts/ci/truncate-comment-cli.ts <report.md> --report-url <url of the full report>',
    options: { 'report-url': { type: 'string' } },
    positionals: { min: 1, max: 1 },
  },
  ({ values, positionals: [path] }) => {
    const fullReportUrl = values['report-url'];
    if (fullReportUrl === undefined) throw new UsageError('--report-url is required: the link to the full report');
    if (path === undefined) throw new UsageError('name the report file');
    let report: string;
    try {
      report = readFileSync(path, 'utf8');
    } catch (error) {
      throw new CommandFailure(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, 1, { cause: error });
    }
    const comment = truncateComment(report, { fullReportUrl });
    process.stdout.write(comment.body);
    if (comment.kind === 'truncated') {
      process.stderr.write(`truncated: kept ${comment.keptLines} lines, left out ${comment.omittedLines}\n`);
    }
    return 0;
  },
);
