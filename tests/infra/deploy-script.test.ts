import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeployUsageError, UnknownModeError } from '../../scripts/deploy/errors.js';
import { parseCommandLine, UsageError } from '../../common/cli/command-line.js';
import {
  commandLine,
  DEPLOY_COMMAND,
  type DeployRequest,
  deployRequestOf,
  deploySteps,
  listModes,
  splitCdkArgs,
  stackIdFor,
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
  it('takes one mode, no dry run and no cdk options by default', () => {
    expect(parseDeployArgs(['m2m'], MODES)).toEqual({ mode: 'm2m', dryRun: false, cdkArgs: [] });
  });

  it('takes --dry-run before or after the mode', () => {
    expect(parseDeployArgs(['--dry-run', 'internal'], MODES)).toEqual({ mode: 'internal', dryRun: true, cdkArgs: [] });
    expect(parseDeployArgs(['internal', '--dry-run'], MODES)).toEqual({ mode: 'internal', dryRun: true, cdkArgs: [] });
  });

  it('passes everything after "--" to cdk deploy untouched', () => {
    expect(parseDeployArgs(['multi-tenant', '--', '--require-approval', 'never', '--dry-run'], MODES)).toEqual({
      mode: 'multi-tenant',
      dryRun: false,
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
  it("checks the generated code, runs the tests, then deploys only the mode's stack, in that order", () => {
    const steps = deploySteps({ mode: 'internal', dryRun: false, cdkArgs: ['--require-approval', 'never'] }, { name: 'acme-api' });

    expect(steps.map(commandLine)).toEqual([
      'npm run generate -- --check',
      'npm test',
      'npx cdk deploy AcmeApiAuthorizer-internal --exclusively --require-approval never',
    ]);
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

  it('runs generate --check, then the tests, then cdk deploy of the one stack', () => {
    const { env, log } = withFakeTools();

    const result = run(['m2m', '--', '--require-approval', 'never'], env);

    expect(log()).toEqual([
      'npm run generate -- --check',
      'npm test',
      'npx cdk deploy AcmeApiAuthorizer-m2m --exclusively --require-approval never',
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

  it('prints the three steps with --dry-run and runs none of them', () => {
    const result = run(['customer', '--dry-run', '--', '--require-approval', 'never']);

    expect(result.stdout).toBe(
      [
        'deploy mode customer (stack AcmeApiAuthorizer-customer): dry run, nothing is executed',
        '1. generated code is up to date: npm run generate -- --check',
        '2. tests: npm test',
        '3. deploy AcmeApiAuthorizer-customer: npx cdk deploy AcmeApiAuthorizer-customer --exclusively --require-approval never',
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
        'usage: npm run deploy -- <mode> [--dry-run] [-- <cdk deploy options>]\n',
    );
    expect(result.status).toBe(2);
  }, 30_000);
});
