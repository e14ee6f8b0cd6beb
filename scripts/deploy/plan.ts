// What `npm run deploy -- <mode>` does, as data: the arguments parsed, then the steps in order. Nothing runs here.
import { basename, join } from 'node:path';
import type { TenancyConfig } from '../../runtime/config.js';
import type { CommandSpec, OptionSpecs, OptionValues } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { listFileTree } from '../../common/file-tree.js';
import { modeNames, type ProjectConfig } from '../../infra/project.js';
import { DeployUsageError, ModeNotGeneratedError, UnknownModeError } from './errors.js';

export const DEPLOY_USAGE = 'usage: npm run deploy -- <mode> [--dry-run] [--skip-tests] [-- <cdk deploy options>]';

export interface DeployRequest {
  readonly mode: string;
  /** Print the steps instead of running them. */
  readonly dryRun: boolean;
  /** Leave out `npm test`: the deploy workflow ran it once, in the job every deploy job needs. */
  readonly skipTests: boolean;
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
  options: { 'dry-run': { type: 'boolean' }, 'skip-tests': { type: 'boolean' } },
  // Counted in deployRequestOf, whose messages name the known modes.
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
} as const satisfies CommandSpec<OptionSpecs>;

/** The arguments before the first `--` are deploy's own; the rest go to `cdk deploy` untouched. */
export function splitCdkArgs(argv: readonly string[]): { readonly own: readonly string[]; readonly cdkArgs: readonly string[] } {
  const separator = argv.indexOf('--');
  return separator === -1 ? { own: argv, cdkArgs: [] } : { own: argv.slice(0, separator), cdkArgs: argv.slice(separator + 1) };
}

/** `<mode> [--dry-run] [--skip-tests]` as runCli parsed it, plus the cdk arguments; throws DeployUsageError or UnknownModeError. */
export function deployRequestOf(
  line: { readonly values: OptionValues<typeof DEPLOY_COMMAND.options>; readonly positionals: readonly string[] },
  cdkArgs: readonly string[],
  knownModes: readonly string[],
): DeployRequest {
  const [mode, ...extra] = line.positionals;
  if (mode === undefined) throw new DeployUsageError(`name the mode to deploy: one of ${knownModes.join(', ')}`);
  if (extra.length > 0) throw new DeployUsageError(`deploy one mode at a time; unexpected ${extra.map((arg) => `"${arg}"`).join(', ')}`);
  if (!knownModes.includes(mode)) throw new UnknownModeError(mode, knownModes, closestMatch(mode, knownModes));
  return { mode, dryRun: line.values['dry-run'] ?? false, skipTests: line.values['skip-tests'] ?? false, cdkArgs };
}

/** Whether a mode keeps one policy store (in its stack) or one per tenant (created by `npm run tenant`). */
export type ModeTenancy = TenancyConfig['kind'];

export interface DeployTarget {
  /** project.yaml's application name, which the stack ids are made from. */
  readonly project: Pick<ProjectConfig, 'name'>;
  /** The mode's tenancy as generated/ holds it: a multi-tenant mode also syncs every tenant store. */
  readonly tenancy: ModeTenancy;
}

/**
 * Generated code up to date, every test (unless skipped), the one stack, then the authorizer caches flushed so no
 * cached decision outlives the change. A multi-tenant mode then brings every tenant store to the repository's policies
 * and flushes again, since the tenant stores changed after the first flush. A failing step stops the rest.
 */
export function deploySteps(request: DeployRequest, { project, tenancy }: DeployTarget): DeployStep[] {
  const stackId = stackIdFor(project, request.mode);
  const flush: DeployStep = { title: 'flush the authorizer caches', command: 'npm', args: ['run', 'flush', '--', request.mode] };
  return [
    { title: 'generated code is up to date', command: 'npm', args: ['run', 'generate', '--', '--check'] },
    ...(request.skipTests ? [] : [{ title: 'tests', command: 'npm', args: ['test'] }]),
    {
      title: `deploy ${stackId}`,
      command: 'npx',
      args: ['cdk', 'deploy', stackId, '--exclusively', ...request.cdkArgs],
    },
    flush,
    ...(tenancy === 'multi'
      ? [
          {
            title: 'sync every tenant store',
            command: 'npm',
            args: ['run', 'tenant', '--', 'sync', '--all', '--mode', request.mode],
          },
          { ...flush, title: 'flush the authorizer caches after the tenant sync' },
        ]
      : []),
  ];
}

/** The part of a generated mode (common/generated-modes.ts) that decides the steps. */
export interface GeneratedTenancy {
  readonly name: string;
  readonly config: { readonly tenancy: Pick<TenancyConfig, 'kind'> };
}

/** The tenancy of `mode` among the generated modes; throws ModeNotGeneratedError when generated/ lacks it. */
export function tenancyOf(modes: readonly GeneratedTenancy[], mode: string): ModeTenancy {
  const found = modes.find((generated) => generated.name === mode);
  if (found === undefined) throw new ModeNotGeneratedError(mode);
  return found.config.tenancy.kind;
}

/** `npm run generate -- --check`, quoting arguments that need it. */
export function commandLine(step: DeployStep): string {
  return [step.command, ...step.args].map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** What the deploy workflow fans out over: every generated mode, and which of them are multi-tenant (planned with --all-tenants). */
export interface ModeMatrix {
  readonly modes: readonly string[];
  readonly multiTenantModes: readonly string[];
}

export function modeMatrixOf(modes: readonly GeneratedTenancy[]): ModeMatrix {
  const names = modes.map((mode) => mode.name).sort();
  return { modes: names, multiTenantModes: names.filter((name) => tenancyOf(modes, name) === 'multi') };
}

/** The matrix as `$GITHUB_OUTPUT` lines: `modes=[...]` and `multi-tenant-modes=[...]`, JSON for fromJSON. */
export function githubOutputOf(matrix: ModeMatrix): string {
  return `modes=${JSON.stringify(matrix.modes)}\nmulti-tenant-modes=${JSON.stringify(matrix.multiTenantModes)}\n`;
}
