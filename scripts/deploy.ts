// `npm run deploy -- <mode> [--dry-run] [--skip-tests] [-- <cdk deploy options>]`: generate --check, the tests, `cdk deploy`
// of that mode's stack, then the authorizer caches flushed (and, for a multi-tenant mode, every tenant store synced).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CommandFailure, runCommand, UsageError } from '../common/cli/command-line.js';
import { loadGeneratedModes, NoGeneratedModesError } from '../common/generated-modes.js';
import { ProjectSettingsError, readProjectConfig } from '../generator/project-config.js';
import { DeployStepError, DeployUsageError } from './deploy/errors.js';
import {
  commandLine,
  DEPLOY_COMMAND,
  deployRequestOf,
  deploySteps,
  listModes,
  type ModeTenancy,
  splitCdkArgs,
  stackIdFor,
  tenancyOf,
} from './deploy/plan.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// runCommand rather than runCli: the arguments after `--` belong to cdk, so deploy parses only its own.
const { own, cdkArgs } = splitCdkArgs(process.argv.slice(2));
process.exitCode = await runCommand(DEPLOY_COMMAND, own, async (line) => {
  let request: ReturnType<typeof deployRequestOf>;
  try {
    request = deployRequestOf(line, cdkArgs, listModes(ROOT));
  } catch (error) {
    // A missing or unknown mode is a usage error: exit 2, with the usage.
    if (error instanceof DeployUsageError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const project = readProjectSettings();
  const tenancy = await readTenancy(request.mode);
  const notes = [request.dryRun ? 'dry run, nothing is executed' : '', request.skipTests ? 'tests skipped' : ''].filter(Boolean);
  process.stdout.write(
    `deploy mode ${request.mode} (stack ${stackIdFor(project, request.mode)}, ${tenancy}-tenant)` +
      `${notes.length > 0 ? `: ${notes.join(', ')}` : ''}\n`,
  );
  deploySteps(request, { project, tenancy }).forEach((step, index) => {
    process.stdout.write(`${index + 1}. ${step.title}: ${commandLine(step)}\n`);
    if (request.dryRun) return;
    const { status } = spawnSync(step.command, step.args, { cwd: ROOT, stdio: 'inherit' });
    if (status !== 0) throw new DeployStepError(step.title, status);
  });
  return 0;
});

/** The stack ids come from project.yaml; a broken file stops the deployment before anything runs (exit 1). */
function readProjectSettings(): ReturnType<typeof readProjectConfig> {
  try {
    return readProjectConfig(ROOT);
  } catch (error) {
    if (error instanceof ProjectSettingsError) throw new CommandFailure(error.message, 1, { cause: error });
    throw error;
  }
}

/** Single or multi-tenant, as generated/ says: what the stack deploys, so what the steps after it must reach. */
async function readTenancy(mode: string): Promise<ModeTenancy> {
  try {
    return tenancyOf(await loadGeneratedModes(ROOT), mode);
  } catch (error) {
    if (error instanceof NoGeneratedModesError) throw new CommandFailure(error.message, 1, { cause: error });
    throw error;
  }
}
