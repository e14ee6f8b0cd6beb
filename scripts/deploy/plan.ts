// What `npm run deploy -- <mode>` does, as data: the arguments parsed, then the steps in order. Nothing runs here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closestMatch } from '../../common/did-you-mean.js';
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

/** The CDK stack id of a mode, as generated/app.ts names it. */
export function stackIdFor(mode: string): string {
  return `PaymentsAuthorizer-${mode}`;
}

/** Modes are the YAML files in modes/, as the generator reads them. */
export function listModes(root: string): string[] {
  return readdirSync(join(root, 'modes'))
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
}

/** `<mode> [--dry-run] [-- <cdk args>]`; throws DeployUsageError or UnknownModeError. */
export function parseDeployArgs(argv: readonly string[], knownModes: readonly string[]): DeployRequest {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? [...argv] : argv.slice(0, separator);
  const cdkArgs = separator === -1 ? [] : argv.slice(separator + 1);
  let parsed;
  try {
    parsed = parseArgs({ args: own, options: { 'dry-run': { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new DeployUsageError((error as Error).message, { cause: error });
  }
  const [mode, ...extra] = parsed.positionals;
  if (mode === undefined) throw new DeployUsageError(`name the mode to deploy: one of ${knownModes.join(', ')}`);
  if (extra.length > 0) throw new DeployUsageError(`deploy one mode at a time; unexpected ${extra.map((arg) => `"${arg}"`).join(', ')}`);
  if (!knownModes.includes(mode)) throw new UnknownModeError(mode, knownModes, closestMatch(mode, knownModes));
  return { mode, dryRun: parsed.values['dry-run'] ?? false, cdkArgs };
}

/** Generated code up to date, then every test, then the one stack: a failing step stops the rest. */
export function deploySteps(request: DeployRequest): DeployStep[] {
  return [
    { title: 'generated code is up to date', command: 'npm', args: ['run', 'generate', '--', '--check'] },
    { title: 'tests', command: 'npm', args: ['test'] },
    {
      title: `deploy ${stackIdFor(request.mode)}`,
      command: 'npx',
      args: ['cdk', 'deploy', stackIdFor(request.mode), '--exclusively', ...request.cdkArgs],
    },
  ];
}

/** `npm run generate -- --check`, quoting arguments that need it. */
export function commandLine(step: DeployStep): string {
  return [step.command, ...step.args].map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`)).join(' ');
}
