// `npm run bench`: every benchmark in one run, side by side, written to bench/results/ as JSON and a markdown table.
// `npm run bench -- --baseline` also writes bench/baseline.{json,md}, the committed reference.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchAuthorizerDecision, type DecisionBenchResult } from './authorizer-decision.js';
import { benchGatewayLoad, type GatewayLoadResult } from './gateway-load.js';
import type { LatencyStats } from './lib/measure.js';
import { benchPipeline, type PipelineStep } from './pipeline.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = join(ROOT, 'bench', 'results');

interface Section {
  readonly name: string;
  readonly result: unknown;
  readonly markdown: string;
}

type Runner = () => Promise<Section>;

const quick = process.env['BENCH_QUICK'] === '1';

function stats(label: string, s: LatencyStats, target?: string): string {
  return `| ${label} | ${s.p50Us} µs | ${s.p99Us} µs | ${s.perSecond.toLocaleString('en-US')} | ${target ?? ''} |`;
}

const decision: Runner = async () => {
  const r: DecisionBenchResult = await benchAuthorizerDecision(quick ? 3_000 : 20_000);
  const ratio = (a: LatencyStats, b: LatencyStats) => (a.perSecond / b.perSecond).toFixed(1);
  return {
    name: 'decision',
    result: r,
    markdown: [
      '## The full authorizer decision (customer mode, RS256 id token, local engine)',
      '',
      '| path | p50 | p99 | decisions/s | target |',
      '|---|---|---|---|---|',
      stats('cache miss: verify + claims + entities (warm cache) + Cedar', r.miss, `p99 ≤ 500 µs: ${r.miss.p99Us <= 500 ? 'met' : 'missed'}`),
      stats('cache hit (in-Lambda decision LRU)', r.hit, `p99 ≤ 10 µs: ${r.hit.p99Us <= 10 ? 'met' : 'missed'}`),
      stats('cache miss through the REST handler (event in, IAM policy out)', r.handlerMiss),
      stats('cedar-wasm isAuthorized re-parsing the policies every call', r.reparsePerCall, `ours is ${ratio(r.miss, r.reparsePerCall)}× its throughput`),
      stats('AVP engine round trip to the local AVP endpoint (HTTP)', r.avpRoundTrip, `ours is ${ratio(r.miss, r.avpRoundTrip)}× its throughput`),
      '',
      `Wrong decisions: ${r.wrongDecisions}${r.wrongDecisions > 0 ? ` (${JSON.stringify(r.wrongBy)}; a refused request under a fault is a Deny, never an Allow)` : ''}.`,
    ].join('\n'),
  };
};

const cedarling: Runner = async () => {
  const { benchCedarling } = await import('./cedarling.js');
  const r = await benchCedarling(quick ? 1_000 : 5_000);
  return { name: 'cedarling', result: r, markdown: ['## Side by side with Cedarling', '', '```json', JSON.stringify(r, null, 2), '```'].join('\n') };
};

const scaling: Runner = async () => {
  const { benchScaling } = await import('./scaling.js');
  const r = await benchScaling();
  return { name: 'scaling', result: r, markdown: ['## Scaling with the number of policies (template-linked, per tenant)', '', '```json', JSON.stringify(r, null, 2), '```'].join('\n') };
};

const soak: Runner = async () => {
  const { benchSoak } = await import('./soak.js');
  const r = await benchSoak({ requests: quick ? 5_000 : 100_000 });
  return { name: 'soak', result: r, markdown: ['## Soak: requests through the local gateways against a cedar-wasm oracle', '', '```json', JSON.stringify(r, null, 2), '```'].join('\n') };
};

const gateway: Runner = async () => {
  const r: GatewayLoadResult[] = await benchGatewayLoad({ durationSeconds: quick ? 2 : 10 });
  return {
    name: 'gatewayLoad',
    result: r,
    markdown: [
      '## The local gateway under load (autocannon, 10 connections, customer mode, allowed and denied requests alternating)',
      '',
      '| run | requests | requests/s | p50 | p99 | wrong decisions | errors |',
      '|---|---|---|---|---|---|---|',
      ...r.map((x) => `| ${x.label} | ${x.requests} | ${x.requestsPerSecond} | ${x.p50Ms} ms | ${x.p99Ms} ms | ${x.wrongDecisions} | ${x.errors} |`),
    ].join('\n'),
  };
};

const pipeline: Runner = async () => {
  const steps: PipelineStep[] = benchPipeline({ runs: quick ? 1 : 3 });
  const suite = runScript(['bench/policy-suite.ts']);
  return {
    name: 'pipeline',
    result: { steps, policySuite: suite },
    markdown: [
      '## The pipeline',
      '',
      '| step | median wall time | ok |',
      '|---|---|---|',
      ...steps.map((s) => `| ${s.step} (\`${s.command}\`) | ${s.medianMs} ms | ${s.ok ? 'yes' : 'NO'} |`),
      '',
      'A 1,000-case policy suite (`bench/policy-suite.ts`):',
      '',
      '```',
      suite.output.trim(),
      '```',
    ].join('\n'),
  };
};

const coldStart: Runner = async () => {
  const runs = quick ? '3' : '7';
  const results = ['customer', 'internal'].map((mode) => ({ mode, ...runScript(['bench/cold-start.ts', '--mode', mode, '--runs', runs]) }));
  return {
    name: 'coldStart',
    result: results,
    markdown: ['## Cold start (esbuild bundle as Lambda gets it; fresh node processes to the first answer)', '', '```', ...results.map((r) => r.output.trim()), '```'].join('\n'),
  };
};

function runScript(args: string[]): { output: string; exitCode: number | null } {
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { output: `${result.stdout}${result.status === 0 ? '' : result.stderr}`, exitCode: result.status };
}

const RUNNERS: Record<string, Runner> = { decision, cedarling, scaling, coldStart, pipeline, gateway, soak };

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { baseline: { type: 'boolean' }, only: { type: 'string', multiple: true } } });
  const names = values.only ?? Object.keys(RUNNERS);
  const sections: Section[] = [];
  for (const name of names) {
    const runner = RUNNERS[name];
    if (!runner) throw new Error(`unknown benchmark ${name}; choose from ${Object.keys(RUNNERS).join(', ')}`);
    process.stderr.write(`bench: ${name}...\n`);
    const started = performance.now();
    try {
      sections.push(await runner());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      sections.push({ name, result: { failed: reason }, markdown: `## ${name}\n\nThe benchmark failed: ${reason}` });
    }
    process.stderr.write(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const json = { machine, quick, sections: Object.fromEntries(sections.map((s) => [s.name, s.result])) };
  const markdown = [`# Benchmarks`, '', `Machine: ${machine}${quick ? ' (BENCH_QUICK=1: fewer iterations)' : ''}.`, '', ...sections.map((s) => `${s.markdown}\n`)].join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
  if (values.baseline) {
    writeFileSync(join(ROOT, 'bench', 'baseline.json'), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(ROOT, 'bench', 'baseline.md'), markdown);
  }
  process.stdout.write(markdown);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
