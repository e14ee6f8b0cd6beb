// Wall time of the build pipeline as a developer runs it: validate, generate (--check, so nothing is rewritten), synth.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface PipelineStep {
  readonly step: string;
  readonly command: string;
  /** Median of the runs, in milliseconds, process start to exit. */
  readonly medianMs: number;
  readonly runs: number;
  readonly ok: boolean;
}

function timeCommand(step: string, command: string, args: string[], runs: number): PipelineStep {
  const durations: number[] = [];
  let ok = true;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
    durations.push(performance.now() - started);
    ok &&= result.status === 0;
  }
  durations.sort((a, b) => a - b);
  return {
    step,
    command: [command, ...args].join(' ').replace(process.execPath, 'node'),
    medianMs: Math.round(durations[Math.floor(durations.length / 2)] ?? 0),
    runs,
    ok,
  };
}

export function benchPipeline(options: { runs?: number; synth?: boolean } = {}): PipelineStep[] {
  const runs = options.runs ?? 3;
  const tsx = ['--import', 'tsx'];
  const steps = [
    timeCommand('validate', process.execPath, [...tsx, 'generator/cli/validate.ts'], runs),
    timeCommand('generate (4 modes, --check)', process.execPath, [...tsx, 'generator/cli/generate.ts', '--check'], runs),
  ];
  if (options.synth !== false) steps.push(timeCommand('cdk synth (4 stacks, offline)', 'npx', ['cdk', 'synth', '--quiet'], 1));
  return steps;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(benchPipeline(), null, 2)}\n`);
}
