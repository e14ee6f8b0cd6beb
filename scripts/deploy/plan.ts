// What `npm run deploy -- <mode>` does, as data: the arguments parsed, then the steps in order. Nothing runs here.
import { basename, join } from 'node:path';
import type { CommandSpec, OptionSpecs, OptionValues } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { listFileTree } from '../../common/file-tree.js';
import { modeNames, type ProjectConfig } from '../../infra/project.js';
import { DeployUsageError, UnknownModeError } from './errors.js';

export const DEPLOY_USAGE = 'usage: npm run deploy -- <mode> [--dry-run] [-- <cdk deploy options>]';

export interface DeployRequest {
  readonly mode: string;
  /** Print the steps instead of running them. */
  readonly dryRun: boolean;
  /** Passed to `cdk deploy` as they are, such as `--require-approval never` in CI. */
  readonly cdkArgs: readonly string[];
}

export interface DeployStep {
  readonly title: string;
  readonly command: string;
  readonly args: readonly string[];
}

/** The CDK stack id of a mode, as generated/app.ts names it: after project.yaml's application (infra/project.ts). */
export function stackIdFor(project: Pick<ProjectConfig, 'name'>, mode: string): string {
  return modeNames(project, mode).stackId;
}

/** Modes are the YAML files under modes/, as the generator reads them; a mode is named after its file. */
export function listModes(root: string): string[] {
  return listFileTree(join(root, 'modes'))
    .filter((path) => path.endsWith('.yaml'))
    .map((path) => basename(path, '.yaml'))
    .sort();
}

export const DEPLOY_COMMAND = {
  command: 'deploy',
  usage: DEPLOY_USAGE,
  options: { 'dry-run': { type: 'boolean' } },
  // Counted in deployRequestOf, whose messages name the known modes.
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
} as const satisfies CommandSpec<OptionSpecs>;

/** The arguments before the first `--` are deploy's own; the rest go to `cdk deploy` untouched. */
export function splitCdkArgs(argv: readonly string[]): { readonly own: readonly string[]; readonly cdkArgs: readonly string[] } {
  const separator = argv.indexOf('--');
  return separator === -1 ? { own: argv, cdkArgs: [] } : { own: argv.slice(0, separator), cdkArgs: argv.slice(separator + 1) };
}

/** `<mode> [--dry-run]` as runCli parsed it, plus the cdk arguments; throws DeployUsageError or UnknownModeError. */
export function deployRequestOf(
  line: { readonly values: OptionValues<typeof DEPLOY_COMMAND.options>; readonly positionals: readonly string[] },
  cdkArgs: readonly string[],
  knownModes: readonly string[],
): DeployRequest {
  const [mode, ...extra] = line.positionals;
  if (mode === undefined) throw new DeployUsageError(`name the mode to deploy: one of ${knownModes.join(', ')}`);
  if (extra.length > 0) throw new DeployUsageError(`deploy one mode at a time; unexpected ${extra.map((arg) => `"${arg}"`).join(', ')}`);
  if (!knownModes.includes(mode)) throw new UnknownModeError(mode, knownModes, closestMatch(mode, knownModes));
  return { mode, dryRun: line.values['dry-run'] ?? false, cdkArgs };
}

/** Generated code up to date, then every test, then the one stack: a failing step stops the rest. */
export function deploySteps(request: DeployRequest, project: Pick<ProjectConfig, 'name'>): DeployStep[] {
  const stackId = stackIdFor(project, request.mode);
  return [
    { title: 'generated code is up to date', command: 'npm', args: ['run', 'generate', '--', '--check'] },
    { title: 'tests', command: 'npm', args: ['test'] },
    {
      title: `deploy ${stackId}`,
      command: 'npx',
      args: ['cdk', 'deploy', stackId, '--exclusively', ...request.cdkArgs],
    },
  ];
}

/** `npm run generate -- --check`, quoting arguments that need it. */
export function commandLine(step: DeployStep): string {
  return [step.command, ...step.args].map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`)).join(' ');
}
