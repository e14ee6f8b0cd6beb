// The GitHub workflows read as data: what runs on a pull request and on main, on which Node, with which actions and
// permissions. GitHub's own rules cited here: "Workflow syntax for GitHub Actions" (jobs.<job_id>.needs, permissions,
// outputs; https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax) and "Managing
// environments for deployment" (required reviewers; https://docs.github.com/en/actions/how-tos/deploy/configure-and-manage-deployments).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AUTHORIZER_RUNTIME } from '../../infra/authorizer-function.js';
import { REPO_ROOT } from '../support/project-copy.js';

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly if?: string;
}

interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly outputs?: Record<string, string>;
  readonly strategy?: { matrix?: Record<string, unknown> };
  readonly steps?: Step[];
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const WORKFLOWS = ['pull-request.yml', 'deploy.yml'] as const;
type WorkflowFile = (typeof WORKFLOWS)[number];

/**
 * The current major of every action the workflows use, each on the Node 24 actions runtime (Node 20 actions are
 * deprecated on GitHub's runners). Checked against the actions' releases in late 2026: checkout v7.0.1, setup-node
 * v7.0.0, upload-artifact v7.0.1 (there is no v8), github-script v9.0.0, configure-aws-credentials v6.2.2,
 * action-junit-report v6.
 */
const CURRENT_MAJORS: Record<string, string> = {
  'actions/checkout': 'v7',
  'actions/setup-node': 'v7',
  'actions/upload-artifact': 'v7',
  'actions/github-script': 'v9',
  'aws-actions/configure-aws-credentials': 'v6',
  'mikepenz/action-junit-report': 'v6',
};

const DEPLOY_JOBS = ['staging', 'production'] as const;

function workflow(file: WorkflowFile): Workflow {
  return parse(readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8')) as Workflow;
}

function steps(job: Job | undefined): Step[] {
  return job?.steps ?? [];
}

function runs(w: Workflow): string[] {
  return Object.values(w.jobs).flatMap((job) => steps(job).flatMap((step) => (step.run ? [step.run] : [])));
}

function needsOf(job: Job | undefined): string[] {
  const needs = job?.needs ?? [];
  return typeof needs === 'string' ? [needs] : needs;
}

/** `npm run [--flags] <script>` → script names; `npm test` is a script too. */
function npmScripts(commands: readonly string[]): string[] {
  return commands.flatMap((command) => [
    ...[...command.matchAll(/\bnpm run(?:\s+--?[\w-]+)*\s+([\w:.-]+)/g)].map((match) => match[1] as string),
    ...[...command.matchAll(/\bnpm (test)\b/g)].map((match) => match[1] as string),
  ]);
}

/** Every step that runs the test suite: `npm test`, or vitest itself. */
function testSteps(job: Job | undefined): Step[] {
  return steps(job).filter((step) => /\bnpm test\b|\bvitest\b/.test(step.run ?? ''));
}

describe('the workflows', () => {
  it.each(WORKFLOWS)('%s calls only npm scripts that package.json defines', (file) => {
    // Read at run time: scripts added by other changes (fmt:check, diff) count as soon as they land.
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

    const missing = npmScripts(runs(workflow(file))).filter((name) => !(name in scripts));

    expect(missing).toEqual([]);
  });

  it('CODEOWNERS, generated from project.yaml, names owners for policies/, schema/ and the mode files', () => {
    const owners = readFileSync(join(REPO_ROOT, '.github/CODEOWNERS'), 'utf8');

    for (const path of ['/policies/', '/schema/', '/modes/*.yaml']) {
      expect(owners).toMatch(new RegExp(`^${path.replace(/[.*]/g, '\\$&')}\\s+@\\S+`, 'm'));
    }
  });

  it('the pull request template has a checklist for policy, schema and mode changes', () => {
    const template = readFileSync(join(REPO_ROOT, '.github/pull_request_template.md'), 'utf8');

    expect(template).toContain('## Policy, schema or mode changes');
    expect(template).toContain('- [ ] Every new or changed policy has a `///` comment');
  });
});

describe('Node 22 and current actions', () => {
  it('the Lambda runtime, .nvmrc and every setup-node step agree on Node 22', () => {
    const setups = WORKFLOWS.flatMap((file) =>
      Object.values(workflow(file).jobs).flatMap((job) => steps(job).filter((step) => step.uses?.startsWith('actions/setup-node@'))),
    );

    expect(AUTHORIZER_RUNTIME.name).toBe('nodejs22.x');
    expect(readFileSync(join(REPO_ROOT, '.nvmrc'), 'utf8').trim()).toBe('22');
    expect(setups.length).toBe(7);
    expect(setups.map((step) => step.with?.['node-version'])).toEqual(setups.map(() => 22));
  });

  it.each(WORKFLOWS)('%s pins every action to its current major version', (file) => {
    const uses = Object.values(workflow(file).jobs).flatMap((job) => steps(job).flatMap((step) => (step.uses ? [step.uses] : [])));

    const stale = uses.filter((use) => {
      const [action = '', version] = use.split('@');
      return CURRENT_MAJORS[action] !== version;
    });

    expect(uses.length).toBeGreaterThan(0);
    expect(stale).toEqual([]);
  });
});

describe('least privilege', () => {
  it.each(WORKFLOWS)('%s grants nothing at the top and states the permissions of every job', (file) => {
    const w = workflow(file);

    expect(w.permissions).toEqual({});
    expect(
      Object.entries(w.jobs)
        .filter(([, job]) => job.permissions === undefined)
        .map(([name]) => name),
    ).toEqual([]);
  });

  it('grants write access only where a job uses it: checks to publish JUnit, pull-requests to comment, id-token to assume a role', () => {
    const granted = Object.fromEntries(
      WORKFLOWS.flatMap((file) => Object.entries(workflow(file).jobs).map(([name, job]) => [`${file}/${name}`, job.permissions])),
    );

    expect(granted).toEqual({
      'pull-request.yml/checks': { contents: 'read', checks: 'write' },
      'pull-request.yml/decision-diff': { contents: 'read', 'pull-requests': 'write' },
      'pull-request.yml/decision-replay': { contents: 'read', 'id-token': 'write' },
      'deploy.yml/test': { contents: 'read', checks: 'write' },
      'deploy.yml/staging': { contents: 'read', 'id-token': 'write' },
      'deploy.yml/plan': { contents: 'read', 'id-token': 'write' },
      'deploy.yml/production': { contents: 'read', 'id-token': 'write' },
    });
  });
});

describe('the pull-request workflow', () => {
  it('runs validate, generate --check, the Cedar format check, tests, synth with cdk-nag, the decision diff, coverage, replay', () => {
    expect(npmScripts(runs(workflow('pull-request.yml')))).toEqual([
      'validate',
      'generate',
      'fmt:check',
      'test',
      'synth',
      'diff',
      'coverage',
      'replay',
    ]);
    expect(runs(workflow('pull-request.yml'))).toContain('npm run generate -- --check');
  });

  it('runs on pull requests only', () => {
    expect(Object.keys(workflow('pull-request.yml').on)).toEqual(['pull_request']);
  });

  it('diffs against the base branch, keeps the full report as an artifact and posts it cut to fit one comment', () => {
    const job = workflow('pull-request.yml').jobs['decision-diff'];
    const all = steps(job);
    const upload = all.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
    const truncate = all.find((step) => step.run?.includes('scripts/ci/truncate-comment-cli.ts'));
    const post = all.find((step) => step.uses?.startsWith('actions/github-script@'));

    expect(all.map((step) => step.run ?? '').join('\n')).toContain(
      'npm run --silent diff -- --base "origin/${BASE_REF}" --fail-on unexercised \\\n' +
        '  > decision-diff.md 2> decision-diff-errors.txt || status=$?',
    );
    expect(all.find((step) => step.uses?.startsWith('actions/checkout@'))?.with).toEqual({ 'fetch-depth': 0 });
    expect(upload?.with).toEqual({ name: 'decision-diff', path: 'decision-diff.md' });
    expect(truncate?.env).toEqual({ REPORT_URL: `\${{ steps.${upload?.id}.outputs.artifact-url }}` });
    expect(truncate?.run).toBe(
      'npx tsx scripts/ci/truncate-comment-cli.ts decision-diff.md --report-url "$REPORT_URL" > decision-diff-comment.md',
    );
    // The order matters: the link exists once the upload ran, and the comment posts the cut file, never the full one.
    const at = (step: Step | undefined) => (step === undefined ? -1 : all.indexOf(step));
    expect([at(truncate) - at(upload), at(post) - at(upload)]).toEqual([1, 2]);
    expect(String(post?.with?.['script'])).toContain("fs.readFileSync('decision-diff-comment.md', 'utf8')");
    expect(String(post?.with?.['script'])).not.toContain("'decision-diff.md'");
    expect(String(post?.with?.['script'])).toContain('github.rest.issues.createComment');
  });

  it('fails the job on --fail-on unexercised only after the report is in the summary, the artifact and the comment', () => {
    const all = steps(workflow('pull-request.yml').jobs['decision-diff']);
    const diff = all.find((step) => step.run?.includes('npm run --silent diff'));
    const last = all.at(-1);

    // The diff step keeps going on a failed check: it records the exit code instead of stopping the job there.
    expect(diff?.id).toBe('diff');
    expect(diff?.run?.split('\n')).toEqual([
      'status=0',
      'npm run --silent diff -- --base "origin/${BASE_REF}" --fail-on unexercised \\',
      '  > decision-diff.md 2> decision-diff-errors.txt || status=$?',
      'cat decision-diff.md >> "$GITHUB_STEP_SUMMARY"',
      'echo "status=${status}" >> "$GITHUB_OUTPUT"',
      '',
    ]);
    // Every later step runs (none asks for failure()), and the last one fails the job with the diff's own exit code.
    expect(all.slice(all.indexOf(diff as Step) + 1, -1).every((step) => step.if === undefined || !step.if.includes('failure()'))).toBe(
      true,
    );
    expect({ if: last?.if, env: last?.env, exits: last?.run?.trim().split('\n').at(-1) }).toEqual({
      if: "steps.diff.outputs.status != '0'",
      env: { STATUS: '${{ steps.diff.outputs.status }}' },
      exits: 'exit "${STATUS}"',
    });
    expect(last?.run).toContain('cat decision-diff-errors.txt');
  });

  it('keeps the report, the job summary and the exit code when the diff exits 1, under the bash options GitHub uses', () => {
    // GIVEN the diff step's script, and an npm that prints a report and fails the check the way the diff CLI does
    const script = steps(workflow('pull-request.yml').jobs['decision-diff']).find((step) => step.id === 'diff')?.run ?? '';
    const dir = mkdtempSync(join(tmpdir(), 'decision-diff-step-'));
    try {
      writeFileSync(join(dir, 'npm'), '#!/bin/sh\necho "## Policy decision diff"\necho "--fail-on unexercised: x" >&2\nexit 1\n');
      chmodSync(join(dir, 'npm'), 0o755);
      // WHEN it runs as a `run` step with `shell: bash` does: bash --noprofile --norc -eo pipefail (workflow syntax,
      // jobs.<job_id>.steps[*].shell)
      const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          PATH: `${dir}:${process.env['PATH'] ?? ''}`,
          BASE_REF: 'main',
          GITHUB_OUTPUT: join(dir, 'output'),
          GITHUB_STEP_SUMMARY: join(dir, 'summary'),
        },
      });
      // THEN the step passes, with the report in the file and the summary, and the exit code kept for the last step
      expect({
        status: run.status,
        report: readFileSync(join(dir, 'decision-diff.md'), 'utf8'),
        summary: readFileSync(join(dir, 'summary'), 'utf8'),
        errors: readFileSync(join(dir, 'decision-diff-errors.txt'), 'utf8'),
        output: readFileSync(join(dir, 'output'), 'utf8'),
      }).toEqual({
        status: 0,
        report: '## Policy decision diff\n',
        summary: '## Policy decision diff\n',
        errors: '--fail-on unexercised: x\n',
        output: 'status=1\n',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Runs a workflow step's script as a `run` step with `shell: bash` does, with `npm` replaced by a script. */
function runStep(script: string, npm: string, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-step-'));
  writeFileSync(join(dir, 'npm'), `#!/bin/sh\n${npm}`);
  chmodSync(join(dir, 'npm'), 0o755);
  writeFileSync(join(dir, 'decision-diff.md'), '## Policy decision diff\n');
  // bash --noprofile --norc -eo pipefail: workflow syntax, jobs.<job_id>.steps[*].shell
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: `${dir}:${process.env['PATH'] ?? ''}`, GITHUB_STEP_SUMMARY: join(dir, 'summary'), ...env },
  });
  const read = (name: string): string => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');
  const result = { status: run.status, report: read('decision-diff.md'), summary: read('summary') };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

describe('coverage of the changed policies in the pull-request comment', () => {
  const all = steps(workflow('pull-request.yml').jobs['decision-diff']);
  const coverage = all.find((step) => step.run?.includes('npm run --silent coverage'));

  it('runs coverage --changed-from the base branch as markdown, before the report is uploaded and cut for the comment', () => {
    const upload = all.findIndex((step) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(coverage?.run).toContain('npm run --silent coverage -- --changed-from "origin/${BASE_REF}" --format markdown');
    expect(all.indexOf(coverage as Step)).toBeGreaterThan(all.findIndex((step) => step.id === 'diff'));
    expect(all.indexOf(coverage as Step)).toBeLessThan(upload);
  });

  it('appends the section to the report when a case fails (exit 1: the checks job reports that), and fails on exit 2', () => {
    const section = 'echo "### Policy coverage of the changed policies"';
    expect(runStep(coverage?.run ?? '', `${section}\nexit 1\n`, { BASE_REF: 'main' })).toEqual({
      status: 0,
      report: '## Policy decision diff\n\n### Policy coverage of the changed policies\n',
      summary: '### Policy coverage of the changed policies\n',
    });
    expect(runStep(coverage?.run ?? '', 'echo "git error" >&2\nexit 2\n', { BASE_REF: 'main' })).toEqual({
      status: 2,
      report: '## Policy decision diff\n',
      summary: '',
    });
  });
});

describe('decision replay of a stored sample', () => {
  const job = workflow('pull-request.yml').jobs['decision-replay'];
  const all = steps(job);
  const replay = all.find((step) => step.run?.includes('npm run --silent replay'));

  it('runs only where the repository names the sample bucket, and reads it through a role it assumes', () => {
    expect(job?.if).toBe("vars.REPLAY_SAMPLE_BUCKET != ''");
    const credentials = all.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials?.with?.['role-to-assume']).toBe('${{ vars.REPLAY_SAMPLE_ROLE_ARN }}');
    expect(all.indexOf(credentials as Step)).toBeLessThan(all.indexOf(replay as Step));
  });

  it("replays against the base branch's policies, fails on a newly allowed request, and keeps the report either way", () => {
    expect(replay?.run).toContain('npm run --silent replay -- --log replay-sample --base "origin/${BASE_REF}" --fail-on allow');
    const upload = all.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
    expect({ if: upload?.if, with: upload?.with }).toEqual({
      if: '${{ !cancelled() }}',
      with: { name: 'decision-replay', path: 'decision-replay.md' },
    });
    expect(runStep(replay?.run ?? '', 'echo "## Decision replay"\nexit 1\n', { BASE_REF: 'main' })).toMatchObject({
      status: 1,
      summary: '## Decision replay\n',
    });
  });
});

describe.each(WORKFLOWS)('JUnit in %s', (file) => {
  const job = file === 'pull-request.yml' ? workflow(file).jobs['checks'] : workflow(file).jobs['test'];

  it('adds the JUnit reporter to npm test on the command line, after the default and JSON reporters of the test script', () => {
    expect(testSteps(job).map((step) => step.run)).toEqual(['npm test -- --reporter=junit --outputFile.junit=reports/junit.xml']);
  });

  it('publishes the report as a check even when tests fail, from a job that may write checks', () => {
    const publish = steps(job).find((step) => step.uses?.startsWith('mikepenz/action-junit-report@'));

    expect(publish?.with).toEqual({ report_paths: 'reports/junit.xml', check_name: 'vitest' });
    expect(publish?.if).toMatch(/^\$\{\{ !cancelled\(\)/);
    expect(job?.permissions?.['checks']).toBe('write');
  });
});

describe('the deploy workflow', () => {
  const w = workflow('deploy.yml');

  it('runs on pushes to main: one test job, staging and the production plan after it, production last', () => {
    expect(w.on['push']).toEqual({ branches: ['main'] });
    expect(Object.keys(w.jobs)).toEqual(['test', 'staging', 'plan', 'production']);
    expect(needsOf(w.jobs['staging'])).toEqual(['test']);
    expect(needsOf(w.jobs['plan'])).toEqual(['test']);
    expect(needsOf(w.jobs['production'])).toEqual(['test', 'staging', 'plan']);
  });

  it('tests once per run: only the test job runs the suite, and it checks what the pull request checked', () => {
    const testing = Object.entries(w.jobs).filter(([, job]) => testSteps(job).length > 0);

    expect(testing.map(([name]) => name)).toEqual(['test']);
    expect(w.jobs['test']?.strategy).toBeUndefined();
    expect(npmScripts(steps(w.jobs['test']).flatMap((step) => (step.run ? [step.run] : [])))).toEqual([
      'validate',
      'generate',
      'fmt:check',
      'test',
      'synth',
    ]);
  });

  it('fans out over the modes the test job lists from generated/, with the multi-tenant ones named apart', () => {
    const list = steps(w.jobs['test']).find((step) => step.id === 'matrix');

    expect(list?.run).toBe('npx tsx scripts/deploy/mode-matrix.ts >> "$GITHUB_OUTPUT"');
    expect(w.jobs['test']?.outputs).toEqual({
      modes: '${{ steps.matrix.outputs.modes }}',
      'multi-tenant-modes': '${{ steps.matrix.outputs.multi-tenant-modes }}',
    });
    for (const name of ['staging', 'plan', 'production']) {
      expect(w.jobs[name]?.strategy?.matrix).toEqual({ mode: '${{ fromJSON(needs.test.outputs.modes) }}' });
    }
  });

  it.each(DEPLOY_JOBS)(
    'deploy to %s assumes the deploy role through OIDC and runs npm run deploy with --skip-tests, which flushes and syncs',
    (stage) => {
      const job = w.jobs[stage];
      const credentials = steps(job).find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));

      expect(job?.environment).toBe(stage);
      expect(credentials?.with).toMatchObject({
        'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
        'aws-region': '${{ vars.AWS_REGION }}',
      });
      expect(Object.keys(credentials?.with ?? {})).not.toContain('aws-access-key-id');
      // Flush and tenant sync are steps of npm run deploy (scripts/deploy/plan.ts), never separate workflow steps.
      expect(steps(job).flatMap((step) => (step.run ? [step.run] : []))).toEqual([
        'npm ci --no-audit --no-fund',
        'npm run deploy -- "$MODE" --skip-tests -- --require-approval never',
      ]);
      expect(needsOf(job)).toContain('test');
    },
  );

  it('plans production with read-only credentials of their own environment and appends the plan to the step summary', () => {
    const job = w.jobs['plan'];
    const credentials = steps(job).find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const plan = steps(job).find((step) => step.run?.includes('npm run --silent plan'));

    expect(job?.environment).toBe('production-plan');
    expect(credentials?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_PLAN_ROLE_ARN }}', 'aws-region': '${{ vars.AWS_REGION }}' });
    expect(plan?.run).toBe('npm run --silent plan -- "$MODE" --format markdown $TENANTS >> "$GITHUB_STEP_SUMMARY"');
    expect(plan?.env).toEqual({
      MODE: '${{ matrix.mode }}',
      TENANTS: "${{ contains(fromJSON(needs.test.outputs.multi-tenant-modes), matrix.mode) && '--all-tenants' || '' }}",
    });
  });

  it('never runs cdk, flush or tenant sync outside npm run deploy, and never deploys from the plan job', () => {
    const direct = runs(w).filter((command) => /\bcdk deploy\b|npm run (?:--silent )?(?:flush|tenant)\b/.test(command));

    expect(direct).toEqual([]);
    expect(steps(w.jobs['plan']).some((step) => step.run?.includes('npm run deploy'))).toBe(false);
  });
});
