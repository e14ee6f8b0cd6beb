import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/project-copy.js';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly if?: string;
}

interface Job {
  readonly needs?: string | string[];
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly strategy?: { matrix?: Record<string, unknown> };
  readonly steps?: Step[];
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const WORKFLOWS = ['pull-request.yml', 'deploy.yml'] as const;

function workflow(file: (typeof WORKFLOWS)[number]): Workflow {
  return parse(readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8')) as Workflow;
}

function runs(w: Workflow): string[] {
  return Object.values(w.jobs).flatMap((job) => (job.steps ?? []).flatMap((step) => (step.run ? [step.run] : [])));
}

/** `npm run [--flags] <script>` → script names; `npm test` is a script too. */
function npmScripts(commands: readonly string[]): string[] {
  return commands.flatMap((command) => [
    ...[...command.matchAll(/\bnpm run(?:\s+--?[\w-]+)*\s+([\w:.-]+)/g)].map((match) => match[1] as string),
    ...[...command.matchAll(/\bnpm (test)\b/g)].map((match) => match[1] as string),
  ]);
}

describe('the workflows', () => {
  it.each(WORKFLOWS)('%s calls only npm scripts that package.json defines', (file) => {
    // Read at run time: scripts added by other changes (fmt:check, diff) count as soon as they land.
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

    const missing = npmScripts(runs(workflow(file))).filter((name) => !(name in scripts));

    expect(missing).toEqual([]);
  });

  it('pull-request runs validate, generate --check, the Cedar format check, the tests, synth with cdk-nag, and the decision diff', () => {
    expect(npmScripts(runs(workflow('pull-request.yml')))).toEqual(['validate', 'generate', 'fmt:check', 'test', 'synth', 'diff']);
    expect(runs(workflow('pull-request.yml'))).toContain('npm run generate -- --check');
  });

  it('pull-request diffs against the base branch and posts the markdown as a PR comment with github-script', () => {
    const job = workflow('pull-request.yml').jobs['decision-diff'];
    const steps = job?.steps ?? [];

    expect(steps.map((step) => step.run ?? '').join('\n')).toContain(
      'npm run --silent diff -- --base "origin/${BASE_REF}" > decision-diff.md',
    );
    expect(steps.find((step) => step.uses?.startsWith('actions/checkout@'))?.with).toEqual({ 'fetch-depth': 0 });
    const post = steps.find((step) => step.uses?.startsWith('actions/github-script@'));
    expect(String(post?.with?.['script'])).toContain('github.rest.issues.createComment');
    expect(job?.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  it('pull-request runs on pull requests with a read-only token by default', () => {
    const w = workflow('pull-request.yml');

    expect(Object.keys(w.on)).toEqual(['pull_request']);
    expect(w.permissions).toEqual({ contents: 'read' });
  });

  it('deploy runs on pushes to main, one job per mode from modes/, staging first, then production behind its environment', () => {
    const w = workflow('deploy.yml');

    expect(w.on['push']).toEqual({ branches: ['main'] });
    expect(Object.keys(w.jobs)).toEqual(['modes', 'staging', 'production']);
    expect(w.jobs['staging']?.environment).toBe('staging');
    expect(w.jobs['production']?.environment).toBe('production');
    expect(w.jobs['production']?.needs).toEqual(['modes', 'staging']);
    for (const stage of ['staging', 'production']) {
      expect(w.jobs[stage]?.strategy?.matrix).toEqual({ mode: '${{ fromJSON(needs.modes.outputs.modes) }}' });
    }
  });

  it.each(['staging', 'production'])('deploy to %s assumes a role through OIDC and runs npm run deploy for its mode', (stage) => {
    const job = workflow('deploy.yml').jobs[stage];
    const steps = job?.steps ?? [];

    expect(job?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const credentials = steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials?.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
      'aws-region': '${{ vars.AWS_REGION }}',
    });
    expect(Object.keys(credentials?.with ?? {})).not.toContain('aws-access-key-id');
    expect(steps.map((step) => step.run)).toContain('npm run deploy -- "$MODE" -- --require-approval never');
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
