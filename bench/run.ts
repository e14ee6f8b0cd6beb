// `npm run bench`: every benchmark in one run, side by side, written to bench/results/ as JSON and a markdown table.
// `npm run bench -- --baseline` also writes bench/baseline.{json,md}, the committed reference.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, UsageError } from '../common/cli/command-line.js';
import { closestMatch } from '../common/did-you-mean.js';
import { benchAuthorizerDecision, type DecisionBenchResult } from './authorizer-decision.js';
import { benchGatewayLoad, type GatewayLoadResult } from './gateway-load.js';
import { round, type LatencyStats } from './lib/measure.js';
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
  const { benchFloorBreakdown } = await import('./floor-breakdown.js');
  const breakdown = await benchFloorBreakdown(quick ? 2_000 : 10_000);
  const ratio = (a: LatencyStats, b: LatencyStats) => (a.perSecond / b.perSecond).toFixed(1);
  return {
    name: 'decision',
    result: { ...r, floorBreakdown: breakdown },
    markdown: [
      '## The full authorizer decision (customer mode, RS256 id token, local engine)',
      '',
      '| path | p50 | p99 | decisions/s | target |',
      '|---|---|---|---|---|',
      stats(
        'cache miss: verify + claims + entities (warm cache) + Cedar',
        r.miss,
        `p99 ≤ 500 µs: ${r.miss.p99Us <= 500 ? 'met' : 'missed'}`,
      ),
      stats('cache miss, schema passed (production), alternating with the next row', r.schemaSideBySide.schemaPassed),
      stats('cache miss, schema not passed (measurement only: action groups would never match)', r.schemaSideBySide.schemaNotPassed),
      stats('cache hit (in-Lambda decision LRU)', r.hit, `p99 ≤ 10 µs: ${r.hit.p99Us <= 10 ? 'met' : 'missed'}`),
      stats('cache miss through the REST handler (event in, IAM policy out)', r.handlerMiss),
      stats(
        'cedar-wasm isAuthorized re-parsing the policies every call',
        r.reparsePerCall,
        `ours is ${ratio(r.miss, r.reparsePerCall)}× its throughput`,
      ),
      stats(
        'AVP engine round trip to the local AVP endpoint (HTTP)',
        r.avpRoundTrip,
        `ours is ${ratio(r.miss, r.avpRoundTrip)}× its throughput`,
      ),
      '',
      '### The floor, in the same run (interleaved block by block)',
      '',
      '| path | p50 | p99 | decisions/s | |',
      '|---|---|---|---|---|',
      stats('full cache miss (as above)', r.floor.fullMiss, `${r.floorRatio}× the floor (goal ≤ 1.3×)`),
      stats(`floor: RS256 verifySync + preparsed statefulIsAuthorized (${r.floor.entities} entities)`, r.floor.floor),
      stats('of which verifySync alone', r.floor.verifyOnly),
      stats('of which statefulIsAuthorized alone', r.floor.cedarOnly),
      '',
      'Where the miss goes beyond the floor: each stage timed on its own, in turns with the whole (`bench/floor-breakdown.ts`):',
      '',
      '| stage | p50 | code |',
      '|---|---|---|',
      `| full cache miss | ${breakdown.fullMiss.p50Us} µs | |`,
      `| floor | ${breakdown.floor.p50Us} µs | |`,
      ...breakdown.stages.map((row) => `| ${row.stage} | ${row.stats.p50Us} µs | ${row.code} |`),
      `| not in any stage: the stages run back to back (promise hops, allocation, colder caches) | ${breakdown.unaccountedP50Us} µs | |`,
      '',
      `Passing the schema costs ${r.schemaSideBySide.overheadPercent}% of the cache-miss p50 ` +
        `(${r.schemaSideBySide.schemaPassed.p50Us} µs against ${r.schemaSideBySide.schemaNotPassed.p50Us} µs; ` +
        `target ≤ 15%: ${r.schemaSideBySide.overheadPercent <= 15 ? 'met' : 'missed'}).`,
      '',
      `Wrong decisions: ${r.wrongDecisions}${
        r.wrongDecisions > 0 ? ` (${JSON.stringify(r.wrongBy)}; a refused request under a fault is a Deny, never an Allow)` : ''
      }.`,
    ].join('\n'),
  };
};

const cedarling: Runner = async () => {
  const { benchCedarling } = await import('./cedarling.js');
  const r = await benchCedarling(quick ? 1_000 : 5_000);
  if (!r.available)
    return { name: 'cedarling', result: r, markdown: `## Side by side with Cedarling\n\nCedarling could not run here: ${r.reason}` };
  return {
    name: 'cedarling',
    result: r,
    markdown: [
      `## Side by side with Cedarling ${r.cedarlingVersion} (same token, entities and ${r.policies.ours} policies; ` +
        'every path measured in turns in one run)',
      '',
      '| regime | path | p50 | p99 | decisions/s | |',
      '|---|---|---|---|---|---|',
      `| caches off ${stats('Cedarling, token cache off', r.cedarlingNoTokenCache)}`,
      `| caches off ${stats(
        'ours, decision cache off (full verify + Cedar)',
        r.oursMiss,
        `${r.throughputRatios.oursMissOverCedarlingNoTokenCache}× Cedarling (goal ≥ 2×)`,
      )}`,
      `| token caches, one token, ${r.manyResources.resources.toLocaleString('en-US')} resources ${stats(
        'Cedarling, token cache on (as shipped)',
        r.cedarlingTokenCache,
      )}`,
      `| token caches, one token, ${r.manyResources.resources.toLocaleString('en-US')} resources ${stats(
        'ours as shipped, every call a decision-cache miss',
        r.oursTokenCache,
        `${r.throughputRatios.oursTokenCacheOverCedarlingTokenCache}× Cedarling (goal ≥ 2×)`,
      )}`,
      `| shown apart ${stats(
        'ours, decision cache hit',
        r.oursHit,
        `${r.throughputRatios.oursHitOverCedarlingTokenCache}× Cedarling with its token cache`,
      )}`,
      '',
      `Ours with the decision cache off against Cedarling with its token cache: ${r.throughputRatios.oursMissOverCedarlingTokenCache}×. ` +
        `Our decision-cache hits on the many-resources workload: ${r.manyResources.oursDecisionCacheHits}. ` +
        `Wrong decisions: ${r.wrongDecisions}.`,
      '',
      ...r.notes.map((note) => `- ${note}`),
    ].join('\n'),
  };
};

const scaling: Runner = async () => {
  const { benchScaling } = await import('./scaling.js');
  const r = await benchScaling(quick ? { iterations: 200 } : {});
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  return {
    name: 'scaling',
    result: r,
    markdown: [
      `## Scaling with the number of template-linked policies (\`${r.template}\`), decided on slices`,
      '',
      '| linked policies | preparse | p50, a link allows | p50, nothing allows | CPU per decision | rss after preparse | wrong |',
      '|---|---|---|---|---|---|---|',
      ...r.sizes.map(
        (x) =>
          `| ${x.linkedPolicies.toLocaleString('en-US')} | ${x.preparseMs} ms | ${x.matchingLink.p50Us} µs | ` +
          `${x.matchingNone.p50Us} µs | ${x.matchingNone.cpuUsPerDecision} µs | ` +
          `${mb(x.memoryAfterPreparse.rssBytes)} | ${x.wrongDecisions} |`,
      ),
      '',
      `Growth of p50 from 10 links: ×${r.growth.matchingLinkP50Ratio1000Over10 ?? '?'} (a link allows) and ` +
        `×${r.growth.matchingNoneP50Ratio1000Over10 ?? '?'} (nothing allows) at 1,000; ` +
        `×${r.growth.matchingLinkP50Ratio10000Over10 ?? '?'} and ×${r.growth.matchingNoneP50Ratio10000Over10 ?? '?'} at 10,000. ` +
        `${r.growth.goal}: ${r.growth.goalMet ? 'met' : 'missed'}.`,
      '',
      '## Scaling with the number of static policies, spread over 50 actions',
      '',
      '| shape | static policies | setup | p50, one policy allows | p50, nothing allows | slices held | wrong |',
      '|---|---|---|---|---|---|---|',
      ...r.static.flatMap((shape) =>
        shape.sizes.map(
          (x) =>
            `| ${shape.shape} | ${x.staticPolicies.toLocaleString('en-US')} | ${x.preparseMs} ms | ${x.matchingPolicy.p50Us} µs | ` +
            `${x.matchingNone.p50Us} µs | ${x.slices.size} (${x.slices.bytes} B) | ${x.wrongDecisions} |`,
        ),
      ),
      '',
      ...r.static.map(
        (shape) =>
          `${shape.shape}: p50 ×${shape.growth.matchingPolicyP50Ratio1000Over10 ?? '?'} / ` +
          `×${shape.growth.matchingNoneP50Ratio1000Over10 ?? '?'} at 1,000, ` +
          `×${shape.growth.matchingPolicyP50Ratio10000Over10 ?? '?'} / ` +
          `×${shape.growth.matchingNoneP50Ratio10000Over10 ?? '?'} at 10,000: goal ${shape.growth.goalMet ? 'met' : 'missed'}.`,
      ),
    ].join('\n'),
  };
};

const soak: Runner = async () => {
  const { benchSoak } = await import('./soak.js');
  const r = await benchSoak({ requests: quick ? 5_000 : 100_000 });
  return {
    name: 'soak',
    result: r,
    markdown: [
      `## Soak: ${r.requests.toLocaleString('en-US')} requests across the modes through the local gateways, ` +
        `checked against a cedar-wasm oracle`,
      '',
      '| mode | requests | allowed | denied | 401 | wrong |',
      '|---|---|---|---|---|---|',
      ...Object.entries(r.byMode).map(
        ([mode, t]) => `| ${mode} | ${t.requests} | ${t.allowed} | ${t.denied} | ${t.unauthorized + t.absentInput} | ${t.wrong} |`,
      ),
      '',
      `${r.durationSeconds} s, ${r.requestsPerSecond} requests/s, client p50 ${r.latency.p50Us} µs, p99 ${r.latency.p99Us} µs; ` +
        `wrong decisions: ${r.wrongDecisions}; transport errors: ${r.transportErrors}.`,
      `Heap growth after warm-up (gc ${r.heap.gcAvailable ? 'on' : 'unavailable'}): ${r.heap.growthPercent}% ` +
        `(${r.heap.goal}: ${r.heap.goalMet ? 'met' : 'missed'}); ` +
        `second half ${r.heap.secondHalfGrowthPercent}%.`,
    ].join('\n'),
  };
};

const replay: Runner = async () => {
  const { benchReplay } = await import('./replay.js');
  const r = await benchReplay(quick ? { records: 100_000, soakRequests: 1000 } : {});
  const mb = (bytes: number) => `${round(bytes / 2 ** 20, 1)} MiB`;
  const row = (label: string, x: typeof r.small) =>
    `| ${label} | ${x.records.toLocaleString('en-US')} | ${mb(x.fileBytes)} | ${x.evaluations.toLocaleString('en-US')} | ` +
    `${x.seconds} s | ${x.recordsPerSecond.toLocaleString('en-US')} | ${x.cpuSeconds} s | ` +
    `${x.recordsPerCpuSecond.toLocaleString('en-US')} | ${mb(x.heapPeakBytes)} | ${mb(x.retainedPeakBytes)} | ${x.flipped} | ` +
    `${x.notReplayed} |`;
  return {
    name: 'replay',
    result: r,
    markdown: [
      `## Replay: soak decision records (${r.seedRecords} seeds × ${r.variants} principal ids), re-decided with the same policies`,
      '',
      '| run | records | log size | cedar-wasm decisions | wall time | records/s | CPU time | records per CPU second | ' +
        'heap peak | heap held (after gc) | flipped | not replayed |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      row('small', r.small),
      row('large (10×)', r.large),
      row('every record distinct', r.allDistinct),
      '',
      `Large over small: heap peak ${r.heapPeakRatio}×, heap held after gc ${r.retainedPeakRatio}× ` +
        `(gc ${r.gcAvailable ? 'on' : 'unavailable'}). ` +
        `The target is ≥ 20,000 records/s; the load average was ${round(loadavg()[0] ?? 0, 1)} at the end ` +
        '(CPU time is the figure a shared machine does not distort).',
    ].join('\n'),
  };
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
      ...r.map(
        (x) =>
          `| ${x.label} | ${x.requests} | ${x.requestsPerSecond} | ${x.p50Ms} ms | ${x.p99Ms} ms | ${x.wrongDecisions} | ${x.errors} |`,
      ),
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

const COLD_START_JSON = 'COLD_START_JSON ';

const coldStart: Runner = async () => {
  const runs = quick ? '3' : '7';
  const results = ['customer', 'internal'].map((mode) => {
    const run = runScript(['bench/cold-start.ts', '--mode', mode, '--runs', runs]);
    // The script's last line carries its figures as JSON, for a check to read (`breakdowns[].spawnToAnswerMs`, …).
    const json = run.output.split('\n').find((line) => line.startsWith(COLD_START_JSON));
    const parsed: unknown = json ? JSON.parse(json.slice(COLD_START_JSON.length)) : undefined;
    return { mode, ...run, output: run.output.replace(/^COLD_START_JSON .*$/m, '').trim(), ...(parsed ? { summary: parsed } : {}) };
  });
  return {
    name: 'coldStart',
    result: results,
    markdown: [
      '## Cold start (esbuild bundle as Lambda gets it; fresh node processes to the first answer)',
      '',
      '```',
      ...results.map((r) => r.output.trim()),
      '```',
    ].join('\n'),
  };
};

function runScript(args: string[]): { output: string; exitCode: number | null } {
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { output: `${result.stdout}${result.status === 0 ? '' : result.stderr}`, exitCode: result.status };
}

const differential: Runner = async () => {
  const { benchDifferential } = await import('./differential.js');
  const r = await benchDifferential({ cases: quick ? 10_000 : 100_000 });
  return {
    name: 'differential',
    result: r,
    markdown: [
      `## Differential: the local engine, the AVP engine (local endpoint) and cedar-wasm's isAuthorized ` +
        `on random lab graphs (seed ${r.seed})`,
      '',
      `${r.cases.toLocaleString('en-US')} requests in ${r.seconds} s: ${r.allows} allowed, ${r.denies} denied ` +
        `(${r.withErrors} with evaluation errors), ${r.refused} refused as outside the schema.`,
      '',
      `Disagreements: ${r.disagreements}.`,
      ...(r.firstDisagreement ? ['', '```', r.firstDisagreement, '```'] : []),
    ].join('\n'),
  };
};

const RUNNERS: Record<string, Runner> = { decision, cedarling, scaling, coldStart, pipeline, gateway, soak, differential, replay };

const SPEC = {
  command: 'bench',
  usage: `usage: npm run bench -- [--only <name>]... [--baseline]
  --only      run only these benchmarks (${Object.keys(RUNNERS).join(', ')})
  --baseline  also write bench/baseline.{json,md}, the committed reference
  BENCH_QUICK=1 runs fewer iterations`,
  options: { baseline: { type: 'boolean' }, only: { type: 'string', multiple: true } },
} as const;

runCli(SPEC, async ({ values }) => {
  const names = values.only ?? Object.keys(RUNNERS);
  for (const name of names) {
    if (RUNNERS[name] !== undefined) continue;
    const suggestion = closestMatch(name, Object.keys(RUNNERS));
    throw new UsageError(`unknown benchmark ${name}${suggestion ? `; did you mean ${suggestion}?` : ''}`);
  }
  const sections: Section[] = [];
  for (const name of names) {
    const runner = RUNNERS[name];
    if (!runner) continue;
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
  const markdown = [
    `# Benchmarks`,
    '',
    `Machine: ${machine}${quick ? ' (BENCH_QUICK=1: fewer iterations)' : ''}.`,
    '',
    ...sections.map((s) => `${s.markdown}\n`),
  ].join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
  if (values.baseline) {
    writeFileSync(join(ROOT, 'bench', 'baseline.json'), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(ROOT, 'bench', 'baseline.md'), markdown);
  }
  process.stdout.write(markdown);
  return 0;
});
