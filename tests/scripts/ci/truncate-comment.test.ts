// GitHub refuses a comment body over 65,536 characters ("Body is too long (maximum is 65536 characters)"; REST API
// "Create an issue comment", https://docs.github.com/en/rest/issues/comments). The decision diff is cut to fit.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDecisions } from '../../../policy-testing/diff.js';
import { diffMarkdown } from '../../../policy-testing/diff-report.js';
import { DEFAULT_BUDGET_BYTES, GITHUB_COMMENT_LIMIT, truncateComment, truncationNote } from '../../../scripts/ci/truncate-comment.js';
import { suiteProject } from '../../policy-testing/suite-project.js';
import { commitAll } from '../../support/git-project.js';
import { listFiles, type ProjectCopy, REPO_ROOT } from '../../support/project-copy.js';
import { runTsx } from '../../support/run-tsx.js';

const URL = 'https://github.com/acme/api/actions/runs/1/artifacts/2';
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** `count` table rows of a decision diff, each `width` characters of `fill` plus the row syntax. */
function rows(count: number, fill = 'x', width = 100): string {
  return Array.from({ length: count }, (_, index) => `| ${index} | ${fill.repeat(width)} |\n`).join('');
}

describe('truncateComment', () => {
  it('leaves a report within the budget as it is', () => {
    const report = `## Policy decision diff\n\n${rows(10)}`;

    expect(truncateComment(report, { fullReportUrl: URL })).toEqual({ kind: 'complete', body: report });
  });

  it('keeps a report of exactly the budget whole, and cuts one a byte longer', () => {
    const exact = `${'a'.repeat(99)}\n`.repeat(10);

    expect(truncateComment(exact, { fullReportUrl: URL, budgetBytes: 1000 }).kind).toBe('complete');
    expect(truncateComment(`${exact}b`, { fullReportUrl: URL, budgetBytes: 1000 }).kind).toBe('truncated');
  });

  it('cuts a 120 KB diff of 1,218 flipped decisions at a line boundary under the budget, saying how many lines were left out', () => {
    const report = `## Policy decision diff\n\n| request | decision |\n| --- | --- |\n${rows(609 * 2, 'x', 90)}`;
    const lines = report.split('\n').length - 1;

    const comment = truncateComment(report, { fullReportUrl: URL });

    if (comment.kind !== 'truncated') throw new Error('expected a truncated comment');
    expect(bytes(comment.body)).toBeLessThanOrEqual(DEFAULT_BUDGET_BYTES);
    expect(comment.keptLines + comment.omittedLines).toBe(lines);
    expect(comment.body.startsWith(report.split('\n').slice(0, comment.keptLines).join('\n'))).toBe(true);
    expect(comment.body.endsWith(truncationNote(comment.omittedLines, lines, URL))).toBe(true);
    expect(comment.body).toContain(
      `**Truncated:** ${comment.omittedLines.toLocaleString('en-US')} of ${lines.toLocaleString('en-US')} lines`,
    );
    expect(comment.body).toContain(`[Download the full report](${URL})`);
  });

  it('counts multi-byte characters by their UTF-8 bytes, so a report under 65,536 JavaScript characters can still be cut', () => {
    // 3 bytes each in UTF-8, one UTF-16 unit each: 30,000 characters, 90,000 bytes.
    const report = `${'→'.repeat(99)}\n`.repeat(300);

    const comment = truncateComment(report, { fullReportUrl: URL });

    expect(report.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(comment.kind).toBe('truncated');
    expect(bytes(comment.body)).toBeLessThanOrEqual(DEFAULT_BUDGET_BYTES);
  });

  it('never splits a character of two UTF-16 units: it cuts between lines', () => {
    const report = `${'🔒'.repeat(50)}\n`.repeat(2000);

    const comment = truncateComment(report, { fullReportUrl: URL });

    // A lone surrogate does not survive a UTF-8 round trip: it comes back as U+FFFD.
    expect(Buffer.from(comment.body, 'utf8').toString('utf8')).toBe(comment.body);
    expect(
      comment.body
        .split('\n')
        .filter((line) => line.startsWith('🔒'))
        .every((line) => line === '🔒'.repeat(50)),
    ).toBe(true);
  });

  it('closes a code fence the cut leaves open, with the same fence', () => {
    const report = `before\n\n~~~~cedar\n${'permit (principal, action, resource);\n'.repeat(100)}~~~~\nafter\n`;

    const comment = truncateComment(report, { fullReportUrl: URL, budgetBytes: 1500 });

    const fences = comment.body.split('\n').filter((line) => line.startsWith('~~~~'));
    expect(fences).toEqual(['~~~~cedar', '~~~~']);
    expect(comment.body).toMatch(/permit \(principal, action, resource\);\n~~~~\n\n---\n\*\*Truncated:\*\*/);
  });

  it('leaves balanced fences alone when the cut falls after the block', () => {
    const report = `\`\`\`\ncode\n\`\`\`\n${rows(100)}`;

    const comment = truncateComment(report, { fullReportUrl: URL, budgetBytes: 2000 });

    expect(comment.body.split('\n').filter((line) => line.startsWith('```'))).toEqual(['```', '```']);
  });

  it('does not take a shorter fence inside a block for its end', () => {
    const report = `\`\`\`\`md\n\`\`\`\n${'inner\n'.repeat(400)}\`\`\`\`\n`;

    const comment = truncateComment(report, { fullReportUrl: URL, budgetBytes: 1000 });

    expect(comment.body.split('\n').filter((line) => line.startsWith('```'))).toEqual(['````md', '```', '````']);
  });

  it('closes <details> blocks the cut leaves open', () => {
    const report = `<details><summary>customer</summary>\n\n${rows(100)}</details>\n`;

    const comment = truncateComment(report, { fullReportUrl: URL, budgetBytes: 3000 });

    expect(comment.body).toMatch(/\|\n<\/details>\n\n---\n/);
    expect(comment.body.match(/<details>/g)?.length).toBe(comment.body.match(/<\/details>/g)?.length);
  });

  it('keeps no line at all when the first line alone is over the budget, and still fits', () => {
    const report = `${'x'.repeat(5000)}\nshort\n`;

    const comment = truncateComment(report, { fullReportUrl: URL, budgetBytes: 1000 });

    expect(comment).toMatchObject({ kind: 'truncated', keptLines: 0, omittedLines: 2 });
    expect(comment.body).toBe(truncationNote(2, 2, URL));
    expect(bytes(comment.body)).toBeLessThanOrEqual(1000);
  });
});

describe('tsx scripts/ci/truncate-comment-cli.ts', () => {
  it('prints the comment body of a report too long for one comment, and the count on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'truncate-comment-'));
    try {
      const path = join(dir, 'decision-diff.md');
      writeFileSync(path, rows(1000));

      const run = runTsx('scripts/ci/truncate-comment-cli.ts', [path, '--report-url', URL]);

      expect(run.status).toBe(0);
      expect(bytes(run.stdout)).toBeLessThanOrEqual(DEFAULT_BUDGET_BYTES);
      expect(run.stdout).toContain(`[Download the full report](${URL})`);
      expect(run.stderr).toMatch(/^truncated: kept \d+ lines, left out \d+\n/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with the usage when --report-url is missing', () => {
    const run = runTsx('scripts/ci/truncate-comment-cli.ts', ['decision-diff.md']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('truncate-comment: --report-url is required: the link to the full report\nusage: ');
  });
});

/** The fence a line opens or closes, if any (``` or ~~~, three or more). */
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})/;

/** Whether every code fence and <details> block the text opens, it also closes, in order. */
function balanced(markdown: string): { fencesClosed: boolean; details: number } {
  let fence: string | null = null;
  let details = 0;
  for (const line of markdown.split('\n')) {
    const mark = FENCE_LINE.exec(line)?.[1];
    if (fence !== null) {
      if (mark !== undefined && mark[0] === fence[0] && mark.length >= fence.length && line.trim() === mark) fence = null;
    } else if (mark !== undefined) {
      fence = mark;
    } else {
      details += (line.match(/<details\b/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
    }
  }
  return { fencesClosed: fence === null, details };
}

describe('a real decision diff of a pull request with many changes', () => {
  let project: ProjectCopy;
  let report: string;

  beforeAll(() => {
    // GIVEN the billing fixture project with all of its suites, committed
    const domain = join(REPO_ROOT, 'tests/fixtures/billing');
    const suites = listFiles(join(domain, 'tests/policies')).map((path) => [relative(domain, path), readFileSync(path, 'utf8')]);
    project = suiteProject(Object.fromEntries(suites));
    commitAll(project.root);
    // AND a working tree that drops the guardrails, turns every `when` into `unless` and permits everything
    rmSync(join(project.root, 'policies/shared/guardrails.cedar'));
    for (const path of listFiles(join(project.root, 'policies'))) {
      writeFileSync(path, readFileSync(path, 'utf8').replace(/when \{/g, 'unless {'));
    }
    writeFileSync(
      join(project.root, 'policies/shared/open.cedar'),
      '@id("shared.allow-everything")\npermit (principal, action, resource);\n',
    );
    // WHEN its decision diff is rendered as markdown
    report = diffMarkdown(diffDecisions({ root: project.root, base: 'HEAD' }));
  });
  afterAll(() => project.remove());

  it('is too long for one comment before it is cut', () => {
    expect(Buffer.byteLength(report, 'utf8')).toBeGreaterThan(2 * DEFAULT_BUDGET_BYTES);
  });

  it('cuts to a valid comment: under the limit, summary first, every fence and <details> closed, a link to the rest', () => {
    const comment = truncateComment(report, { fullReportUrl: URL });

    expect({
      kind: comment.kind,
      fits: bytes(`<!-- cedar-decision-diff -->\n${comment.body}`) <= GITHUB_COMMENT_LIMIT,
      summary: comment.body.split('\n')[2],
      balanced: balanced(comment.body),
      link: comment.body.endsWith(`[Download the full report](${URL}) (a workflow artifact), or read it in the job summary.\n`),
    }).toEqual({
      kind: 'truncated',
      fits: true,
      summary: report.split('\n')[2],
      balanced: { fencesClosed: true, details: 0 },
      link: true,
    });
    // The uncut report was balanced too: the cut, not the report, is what the closers repair.
    expect(balanced(report)).toEqual({ fencesClosed: true, details: 0 });
    expect(report.split('\n')[2]).toMatch(/^\*\*\d+ decisions changed: /);
  });

  it('keeps the whole Changed policies section, text diffs included, before it cuts into the flipped decisions', () => {
    const comment = truncateComment(report, { fullReportUrl: URL });
    const flipped = report.indexOf('### Flipped decisions');

    expect(comment.body.startsWith(report.slice(0, flipped))).toBe(true);
  });
});
