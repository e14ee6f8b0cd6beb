// `npm run deploy -- <mode> [--dry-run] [-- <cdk deploy options>]`: generate --check, the tests, then `cdk deploy` of that mode's stack.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CommandFailure, runCommand, UsageError } from '../common/cli/command-line.js';
import { ProjectSettingsError, readProjectConfig } from '../generator/project-config.js';
import { DeployStepError, DeployUsageError } from './deploy/errors.js';
import { commandLine, DEPLOY_COMMAND, deployRequestOf, deploySteps, listModes, splitCdkArgs, stackIdFor } from './deploy/plan.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// runCommand rather than runCli: the arguments after `--` belong to cdk, so deploy parses only its own.
const { own, cdkArgs } = splitCdkArgs(process.argv.slice(2));
process.exitCode = await runCommand(DEPLOY_COMMAND, own, (line) => {
  let request: ReturnType<typeof deployRequestOf>;
  try {
    request = deployRequestOf(line, cdkArgs, listModes(ROOT));
  } catch (error) {
    // A missing or unknown mode is a usage error: exit 2, with the usage.
    if (error instanceof DeployUsageError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const project = readProjectSettings();
  process.stdout.write(
    `deploy mode ${request.mode} (stack ${stackIdFor(project, request.mode)})${request.dryRun ? ': dry run, nothing is executed' : ''}\n`,
  );
  deploySteps(request, project).forEach((step, index) => {
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
