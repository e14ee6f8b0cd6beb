// Issue 13's "done when": a scratch copy of the whole repository has its domain paths replaced by a domain nobody on
// the project wrote (tests/fixtures/research-archive), and then works as a user would run it: validate, generate,
// type-check the whole project (tests, bench and scripts included), the policy suites and cdk synth; no file outside
// the domain paths needed an edit. One copy for every step (about a minute in all), so the steps run in order.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProjectConfig } from '../../generator/project-config.js';
import { modeNames } from '../../infra/project.js';
import { listFiles, REPO_ROOT } from '../support/project-copy.js';
import { DOMAIN_PATHS, FIXTURES_DIR } from './domain-project.js';

const DOMAIN = 'research-archive';
const MODES = ['curation', 'lab'];
/** A step spawns a whole tool (tsc over the project takes about 20 s on a laptop); CI machines are slower. */
const STEP_TIMEOUT = 240_000;

/**
 * The domain paths exactly as README's "Bring your own domain" lists them: only the YAML files of modes/, and the
 * whole of local/demo/. project.yaml is not among them: it is the project's, so the repository's stays.
 */
function isDomainPath(path: string): boolean {
  return /^(schema|policies|tests\/policies|local\/demo)\//.test(path) || /^modes\/[^/]+\.yaml$/.test(path);
}

/** What `npm run generate` writes: the only files outside the domain paths that may change. */
function isGeneratorOutput(path: string): boolean {
  return path.startsWith('generated/') || path === 'cdk.json';
}

function projectFiles(): string[] {
  // Untracked files that are not ignored too: locally, the copy is the working tree a developer is testing.
  const git = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (git.status !== 0) throw new Error(`git ls-files failed: ${git.stderr}`);
  // A tracked file deleted in the working tree (a move not yet committed) is not part of the project being copied.
  return git.stdout.split('\0').filter((path) => path !== '' && existsSync(join(REPO_ROOT, path)));
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

let root = '';
/**
 * The hash of every file copied from the repository outside the domain paths, taken as it is copied: others may edit
 * the working tree while the steps run, and the question is whether a step needed (or made) an edit.
 */
const copiedHashes = new Map<string, string>();

/** Runs a command in the copy as a user would type it; the environment is the user's, not this test run's. */
function run(command: string, args: readonly string[]): SpawnSyncReturns<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
  return spawnSync(command, args, { cwd: root, encoding: 'utf8', env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' } });
}

/** The command's own output, shown when its exit code is not the expected one. */
function outputOf(result: SpawnSyncReturns<string>): string {
  return `${result.stdout}\n${result.stderr}`.slice(-12_000);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'authz-swap-'));
  for (const path of projectFiles().filter((file) => !isDomainPath(file))) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    cpSync(join(REPO_ROOT, path), join(root, path));
    if (!isGeneratorOutput(path)) copiedHashes.set(path, sha256(join(root, path)));
  }
  const source = join(FIXTURES_DIR, DOMAIN);
  for (const path of DOMAIN_PATHS) {
    const from = join(source, path);
    for (const file of statSync(from).isDirectory() ? listFiles(from) : [from]) {
      cpSync(file, join(root, file.slice(source.length + 1)));
    }
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
});

afterAll(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe(`the repository with its domain paths replaced by tests/fixtures/${DOMAIN}`, () => {
  it(
    'passes npm run validate',
    () => {
      const result = run('npm', ['run', 'validate']);

      expect(result.status, outputOf(result)).toBe(0);
    },
    STEP_TIMEOUT,
  );

  it(
    `generates its two modes (${MODES.join(', ')}) and no other with npm run generate`,
    () => {
      const result = run('npm', ['run', 'generate']);

      expect(result.status, outputOf(result)).toBe(0);
      expect(result.stdout).toMatch(/generate: wrote \d+ files for 2 modes \(curation, lab\)/);
    },
    STEP_TIMEOUT,
  );

  it(
    'type-checks the whole project, tests, bench and scripts included, with npx tsc --noEmit',
    () => {
      const result = run('npx', ['tsc', '--noEmit']);

      expect(result.status, outputOf(result)).toBe(0);
    },
    STEP_TIMEOUT,
  );

  it(
    "passes the domain's policy suites, coverage gate and runtime parity with npx vitest run policy-testing/harness",
    () => {
      const result = run('npx', ['vitest', 'run', 'policy-testing/harness']);

      expect(result.status, outputOf(result)).toBe(0);
    },
    STEP_TIMEOUT,
  );

  it(
    "synthesizes one stack per mode with npm run synth, each named from project.yaml's application name",
    () => {
      const result = run('npm', ['run', 'synth']);

      expect(result.status, outputOf(result)).toBe(0);
      const manifest = JSON.parse(readFileSync(join(root, 'cdk.out/manifest.json'), 'utf8')) as {
        artifacts: Record<string, { type: string }>;
      };
      const stacks = Object.entries(manifest.artifacts).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
      const project = readProjectConfig(root);
      expect(stacks.map(([id]) => id).sort()).toEqual(MODES.map((mode) => modeNames(project, mode).stackId));
    },
    STEP_TIMEOUT,
  );

  it("leaves every file outside the domain paths, except generate's output, byte for byte the repository's", () => {
    const differing = [...copiedHashes].filter(([path, hash]) => sha256(join(root, path)) !== hash).map(([path]) => path);

    expect({ compared: copiedHashes.size > 500, differing }).toEqual({ compared: true, differing: [] });
  });
});
