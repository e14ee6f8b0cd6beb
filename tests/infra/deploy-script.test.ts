import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeployUsageError, ModeNotGeneratedError, UnknownModeError } from '../../scripts/deploy/errors.js';
import { parseCommandLine, UsageError } from '../../common/cli/command-line.js';
import {
  commandLine,
  DEPLOY_COMMAND,
  type DeployRequest,
  deployRequestOf,
  deploySteps,
  githubOutputOf,
  listModes,
  modeMatrixOf,
  splitCdkArgs,
  stackIdFor,
  tenancyOf,
} from '../../scripts/deploy/plan.js';
import { readProjectConfig } from '../../generator/project-config.js';
import { billingProject } from './support/billing-project.js';

const MODES = ['customer', 'internal', 'm2m', 'multi-tenant'];
/** The billing fixture generated into a scratch project: its modes/, its project.yaml, its generated app and deploy.ts. */
const BILLING = billingProject();

/** The command line as scripts/deploy.ts reads it: cdk's arguments split off, runCli's parse, then the request. */
function parseDeployArgs(argv: readonly string[], knownModes: readonly string[]): DeployRequest {
  const { own, cdkArgs } = splitCdkArgs(argv);
  const line = parseCommandLine(DEPLOY_COMMAND, own);
  if (line.kind === 'help') throw new Error('unexpected --help');
  return deployRequestOf(line, cdkArgs, knownModes);
}

describe('the deploy command line', () => {
  it('takes one mode, no dry run, the tests and no cdk options by default', () => {
    expect(parseDeployArgs(['m2m'], MODES)).toEqual({ mode: 'm2m', dryRun: false, skipTests: false, cdkArgs: [] });
  });

  it('takes --dry-run before or after the mode', () => {
    expect(parseDeployArgs(['--dry-run', 'internal'], MODES)).toEqual({ mode: 'internal', dryRun: true, skipTests: false, cdkArgs: [] });
    expect(parseDeployArgs(['internal', '--dry-run'], MODES)).toEqual({ mode: 'internal', dryRun: true, skipTests: false, cdkArgs: [] });
  });

  it('takes --skip-tests, which the deploy workflow passes after its one test job', () => {
    expect(parseDeployArgs(['customer', '--skip-tests'], MODES)).toEqual({ mode: 'customer', dryRun: false, skipTests: true, cdkArgs: [] });
  });

  it('passes --skip-tests after "--" to cdk, not to deploy', () => {
    expect(parseDeployArgs(['customer', '--', '--skip-tests'], MODES)).toMatchObject({ skipTests: false, cdkArgs: ['--skip-tests'] });
  });

  it('passes everything after "--" to cdk deploy untouched', () => {
    expect(parseDeployArgs(['multi-tenant', '--', '--require-approval', 'never', '--dry-run'], MODES)).toEqual({
      mode: 'multi-tenant',
      dryRun: false,
      skipTests: false,
      cdkArgs: ['--require-approval', 'never', '--dry-run'],
    });
  });

  it('refuses an unknown mode, listing the known ones and suggesting the closest', () => {
    const attempt = () => parseDeployArgs(['custmer'], MODES);

    expect(attempt).toThrow(UnknownModeError);
    expect(attempt).toThrow(
      'unknown mode "custmer" (did you mean "customer"?): expected one of customer, internal, m2m, multi-tenant, the files in modes/',
    );
  });

  it('refuses an unknown mode with no close match without a suggestion', () => {
    expect(() => parseDeployArgs(['production'], MODES)).toThrow(
      'unknown mode "production": expected one of customer, internal, m2m, multi-tenant, the files in modes/',
    );
  });

  it('refuses a missing mode', () => {
    const attempt = () => parseDeployArgs(['--dry-run'], MODES);

    expect(attempt).toThrow(DeployUsageError);
    expect(attempt).toThrow('name the mode to deploy: one of customer, internal, m2m, multi-tenant');
  });

  it('refuses two modes at once', () => {
    expect(() => parseDeployArgs(['customer', 'm2m'], MODES)).toThrow(new DeployUsageError('deploy one mode at a time; unexpected "m2m"'));
  });

  it('refuses an unknown option before "--"', () => {
    expect(() => parseDeployArgs(['customer', '--force'], MODES)).toThrow(new UsageError('unknown option --force'));
  });

  it('refuses an empty mode name', () => {
    expect(() => parseDeployArgs([''], MODES)).toThrow(UnknownModeError);
  });
});

describe('deploySteps', () => {
  const project = { name: 'acme-api' };
  const request = (mode: string, skipTests = false): DeployRequest => ({
    mode,
    dryRun: false,
    skipTests,
    cdkArgs: ['--require-approval', 'never'],
  });

  it("checks the generated code, runs the tests, deploys only the mode's stack, then flushes its authorizer caches", () => {
    const steps = deploySteps(request('internal'), { project, tenancy: 'single' });

    expect(steps.map(commandLine)).toEqual([
      'npm run generate -- --check',
      'npm test',
      'npx cdk deploy AcmeApiAuthorizer-internal --exclusively --require-approval never',
      'npm run flush -- internal',
    ]);
  });

  it('leaves out only the tests with --skip-tests: generate --check still runs first', () => {
    const steps = deploySteps(request('internal', true), { project, tenancy: 'single' });

    expect(steps.map(commandLine)).toEqual([
      'npm run generate -- --check',
      'npx cdk deploy AcmeApiAuthorizer-internal --exclusively --require-approval never',
      'npm run flush -- internal',
    ]);
  });

  it('syncs every tenant store of a multi-tenant mode after the stack, then flushes again', () => {
    const steps = deploySteps(request('multi-tenant', true), { project, tenancy: 'multi' });

    expect(steps.map((step) => `${step.title}: ${commandLine(step)}`)).toEqual([
      'generated code is up to date: npm run generate -- --check',
      'deploy AcmeApiAuthorizer-multi-tenant: npx cdk deploy AcmeApiAuthorizer-multi-tenant --exclusively --require-approval never',
      'flush the authorizer caches: npm run flush -- multi-tenant',
      'sync every tenant store: npm run tenant -- sync --all --mode multi-tenant',
      'flush the authorizer caches after the tenant sync: npm run flush -- multi-tenant',
    ]);
  });
});

describe('tenancy and the workflow matrix', () => {
  const generated = [
    { name: 'm2m', config: { tenancy: { kind: 'single' as const } } },
    { name: 'multi-tenant', config: { tenancy: { kind: 'multi' as const } } },
    { name: 'customer', config: { tenancy: { kind: 'single' as const } } },
  ];

  it("reads a mode's tenancy from its generated config", () => {
    expect([tenancyOf(generated, 'm2m'), tenancyOf(generated, 'multi-tenant')]).toEqual(['single', 'multi']);
  });

  it('refuses a mode that has a YAML file but nothing in generated/, naming the command that fixes it', () => {
    const attempt = () => tenancyOf(generated, 'internal');

    expect(attempt).toThrow(ModeNotGeneratedError);
    expect(attempt).toThrow(
      'mode "internal" has a file in modes/ but no generated/internal/; run npm run generate, commit generated/, and deploy again',
    );
  });

  it('lists every mode, sorted, and the multi-tenant ones, as GitHub output lines of JSON', () => {
    const matrix = modeMatrixOf(generated);

    expect(matrix).toEqual({ modes: ['customer', 'm2m', 'multi-tenant'], multiTenantModes: ['multi-tenant'] });
    expect(githubOutputOf(matrix)).toBe('modes=["customer","m2m","multi-tenant"]\nmulti-tenant-modes=["multi-tenant"]\n');
  });
});

describe('modes and stacks', () => {
  it('lists the modes from the YAML files in modes/', () => {
    expect(listModes(BILLING.root)).toEqual(MODES);
  });

  it('names each stack as the generated app does', () => {
    const app = readFileSync(BILLING.generated('app.ts'), 'utf8');

    const stackIds = [...app.matchAll(/AuthorizerStack\(app, "([^"]+)"\)/g)].map((match) => match[1]);

    expect(stackIds).toEqual(MODES.map((mode) => stackIdFor(readProjectConfig(BILLING.root), mode)));
  });
});

describe('npm run deploy', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(BILLING.root, 'scripts/deploy.ts'), ...args], {
      cwd: BILLING.root,
      encoding: 'utf8',
      env,
    });

  /** Stand-ins for npm and npx that log their arguments; npm fails with `npmStatus` when it is asked for `failOn`. */
  let fakes: string | undefined;
  afterEach(() => {
    if (fakes) rmSync(fakes, { recursive: true, force: true });
  });
  function withFakeTools(failOn?: string): { env: NodeJS.ProcessEnv; log: () => string[] } {
    fakes = mkdtempSync(join(tmpdir(), 'deploy-fakes-'));
    const logFile = join(fakes, 'calls.log');
    for (const tool of ['npm', 'npx']) {
      const script = join(fakes, tool);
      writeFileSync(
        script,
        `#!/bin/sh\necho "${tool} $*" >> "${logFile}"\n${failOn ? `case "$*" in *"${failOn}"*) exit 3;; esac\n` : ''}exit 0\n`,
      );
      chmodSync(script, 0o755);
    }
    return {
      env: { ...process.env, PATH: `${fakes}${delimiter}${process.env['PATH'] ?? ''}` },
      log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : []),
    };
  }

  it('runs generate --check, then the tests, then cdk deploy of the one stack, then the flush', () => {
    const { env, log } = withFakeTools();

    const result = run(['m2m', '--', '--require-approval', 'never'], env);

    expect(log()).toEqual([
      'npm run generate -- --check',
      'npm test',
      'npx cdk deploy AcmeApiAuthorizer-m2m --exclusively --require-approval never',
      'npm run flush -- m2m',
    ]);
    expect(result.status).toBe(0);
  }, 30_000);

  it('skips the tests with --skip-tests and syncs the tenant stores of a multi-tenant mode, flushing after each change', () => {
    const { env, log } = withFakeTools();

    const result = run(['multi-tenant', '--skip-tests'], env);

    expect(log()).toEqual([
      'npm run generate -- --check',
      'npx cdk deploy AcmeApiAuthorizer-multi-tenant --exclusively',
      'npm run flush -- multi-tenant',
      'npm run tenant -- sync --all --mode multi-tenant',
      'npm run flush -- multi-tenant',
    ]);
    expect(result.status).toBe(0);
  }, 30_000);

  it('stops at the first failing step and exits 1: failing tests mean no deployment', () => {
    const { env, log } = withFakeTools('test');

    const result = run(['m2m'], env);

    expect(log()).toEqual(['npm run generate -- --check', 'npm test']);
    expect(result.stderr).toContain('deploy: step "tests" failed (exit code 3); nothing after it ran\n');
    expect(result.status).toBe(1);
  }, 30_000);

  it('exits 1 when the tenant sync fails, with no flush after it', () => {
    const { env, log } = withFakeTools('sync');

    const result = run(['multi-tenant', '--skip-tests'], env);

    expect(log().slice(-2)).toEqual(['npm run flush -- multi-tenant', 'npm run tenant -- sync --all --mode multi-tenant']);
    expect(result.stderr).toContain('deploy: step "sync every tenant store" failed (exit code 3); nothing after it ran\n');
    expect(result.status).toBe(1);
  }, 30_000);

  it('prints the steps with --dry-run and runs none of them', () => {
    const result = run(['customer', '--dry-run', '--', '--require-approval', 'never']);

    expect(result.stdout).toBe(
      [
        'deploy mode customer (stack AcmeApiAuthorizer-customer, single-tenant): dry run, nothing is executed',
        '1. generated code is up to date: npm run generate -- --check',
        '2. tests: npm test',
        '3. deploy AcmeApiAuthorizer-customer: npx cdk deploy AcmeApiAuthorizer-customer --exclusively --require-approval never',
        '4. flush the authorizer caches: npm run flush -- customer',
        '',
      ].join('\n'),
    );
    expect(result.status).toBe(0);
  }, 30_000);

  it('prints the multi-tenant steps with --dry-run --skip-tests', () => {
    const result = run(['multi-tenant', '--dry-run', '--skip-tests']);

    expect(result.stdout).toBe(
      [
        'deploy mode multi-tenant (stack AcmeApiAuthorizer-multi-tenant, multi-tenant): dry run, nothing is executed, tests skipped',
        '1. generated code is up to date: npm run generate -- --check',
        '2. deploy AcmeApiAuthorizer-multi-tenant: npx cdk deploy AcmeApiAuthorizer-multi-tenant --exclusively',
        '3. flush the authorizer caches: npm run flush -- multi-tenant',
        '4. sync every tenant store: npm run tenant -- sync --all --mode multi-tenant',
        '5. flush the authorizer caches after the tenant sync: npm run flush -- multi-tenant',
        '',
      ].join('\n'),
    );
    expect(result.status).toBe(0);
  }, 30_000);

  it('exits 2 with the reason and the usage on an unknown mode, before any step', () => {
    const result = run(['staging', '--dry-run']);

    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'deploy: unknown mode "staging": expected one of customer, internal, m2m, multi-tenant, the files in modes/\n' +
        'usage: npm run deploy -- <mode> [--dry-run] [--skip-tests] [-- <cdk deploy options>]\n',
    );
    expect(result.status).toBe(2);
  }, 30_000);
});

describe('tsx scripts/deploy/mode-matrix.ts', () => {
  it("prints the deploy workflow's matrix from generated/ as GitHub output lines", () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(BILLING.root, 'scripts/deploy/mode-matrix.ts')], {
      cwd: BILLING.root,
      encoding: 'utf8',
    });

    expect(result.stdout).toBe(`modes=${JSON.stringify(MODES)}\nmulti-tenant-modes=["multi-tenant"]\n`);
    expect(result.status).toBe(0);
  }, 30_000);
});
