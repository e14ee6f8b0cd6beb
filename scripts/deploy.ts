// `npm run deploy -- <mode> [--dry-run] [-- <cdk deploy options>]`: generate --check, the tests, then `cdk deploy` of that mode's stack.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DeployError, DeployStepError, DeployUsageError } from './deploy/errors.js';
import { DEPLOY_USAGE, commandLine, deploySteps, listModes, parseDeployArgs, stackIdFor } from './deploy/plan.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function main(argv: readonly string[]): number {
  try {
    const request = parseDeployArgs(argv, listModes(ROOT));
    const steps = deploySteps(request);
    process.stdout.write(
      `deploy mode ${request.mode} (stack ${stackIdFor(request.mode)})${request.dryRun ? ': dry run, nothing is executed' : ''}\n`,
    );
    steps.forEach((step, index) => {
      process.stdout.write(`${index + 1}. ${step.title}: ${commandLine(step)}\n`);
      if (request.dryRun) return;
      const { status } = spawnSync(step.command, step.args, { cwd: ROOT, stdio: 'inherit' });
      if (status !== 0) throw new DeployStepError(step.title, status);
    });
    return 0;
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    process.stderr.write(`deploy: ${error.message}\n`);
    if (error instanceof DeployUsageError) {
      process.stderr.write(`${DEPLOY_USAGE}\n`);
      return 2;
    }
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
