// The authorizer's cold start: bundle one mode as Lambda gets it, then time fresh `node` processes to their first answer.
// `npx tsx bench/cold-start.ts [--mode customer] [--runs 7]`, on the billing fixture project generated into a scratch
// copy (bench/lib/fixture-workload.ts). Targets: bundle ≤ 1 MB (JS, without the wasm), spawn → first answer ≤ 150 ms (median).
// Exit code: 0 within both targets, 1 over one, 2 when the benchmark itself fails.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CommandFailure, runCli, UsageError } from '../common/cli/command-line.js';
import { AUTHORIZER_ESBUILD_TARGET } from '../infra/authorizer-function.js';
import { loadGeneratedModes } from '../common/generated-modes.js';
import type { ModeConfig } from '../runtime/config.js';
import { generatedWorkloadProject } from './lib/fixture-workload.js';
import { httpRoutes } from '../runtime/routes/route-table.js';

const DRIVER = fileURLToPath(new URL('./cold-start-driver.cjs', import.meta.url));
const REPOSITORY_NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));
const BUNDLE_TARGET_BYTES = 1024 * 1024;
const INIT_TARGET_MS = 150;

interface Scenario {
  readonly name: string;
  readonly event: unknown;
  readonly jwks?: unknown;
  readonly entities?: unknown[];
}

interface Answer {
  readonly outcome: string;
  readonly requireStartMs: number;
  readonly requireEndMs: number;
  readonly answerMs: number;
  /** The child's user + system CPU time at its answer: less sensitive than wall time to a busy machine. */
  readonly cpuMs: number;
  /** Timed by bench/cold-start-driver.cjs around the WebAssembly constructors, cedar-wasm's exports and node:crypto. */
  readonly phases: {
    readonly wasmCompileMs: number;
    readonly wasmInstantiateMs: number;
    readonly preparseMs: number;
    readonly decideMs: number;
    readonly verifyMs: number;
  };
  /** The part of `preparseMs` spent while the bundle was required (at init), not on the first request. */
  readonly preparseInRequire: number;
}

/** Medians over the runs of one scenario, in ms: where spawn → answer goes. */
export interface ColdStartBreakdown {
  readonly scenario: string;
  readonly outcome: string;
  readonly runs: number;
  readonly spawnToAnswerMs: number;
  readonly childCpuMs: number;
  readonly nodeStartMs: number;
  readonly requireMs: number;
  readonly wasmCompileMs: number;
  readonly wasmInstantiateMs: number;
  readonly preparseAtInitMs: number;
  /** require(bundle) less wasm compile, instantiation and preparse: evaluating the bundle's JavaScript. */
  readonly moduleLoadMs: number;
  readonly firstCallMs: number;
  readonly firstCallVerifyMs: number;
  readonly firstCallDecideMs: number;
  /** First call less verify and decide: JWKS stand-in, claims, entity stand-in, logging, promise hops. */
  readonly firstCallOtherMs: number;
}

interface Run extends Answer {
  /** From spawn() to the answer line on stdout, measured by this process. */
  readonly wallMs: number;
}

/** What NodejsFunction runs for a Node 22 function: minified CJS for node22, the AWS SDK left to the runtime. */
async function bundleMode(root: string, mode: string, outDir: string): Promise<{ js: string; jsBytes: number; wasmBytes: number }> {
  const js = join(outDir, 'index.js');
  await build({
    entryPoints: [join(root, 'generated', mode, 'authorizer.ts')],
    outfile: js,
    bundle: true,
    minify: true,
    format: 'cjs',
    platform: 'node',
    target: AUTHORIZER_ESBUILD_TARGET,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    logLevel: 'error',
  });
  const wasm = join(dirname(createRequire(import.meta.url).resolve('@cedar-policy/cedar-wasm/nodejs')), 'cedar_wasm_bg.wasm');
  copyFileSync(wasm, join(outDir, 'cedar_wasm_bg.wasm'));
  return { js, jsBytes: statSync(js).size, wasmBytes: statSync(wasm).size };
}

function measure(bundle: string, scenarioFile: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [DRIVER, bundle, scenarioFile], {
      // Lambda provides the AWS SDK; here it resolves from the repository's node_modules.
      env: { PATH: process.env['PATH'] ?? '', NODE_PATH: REPOSITORY_NODE_MODULES, AWS_REGION: 'eu-west-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let answered: Run | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((text) => text.startsWith('BENCH_ANSWER '));
      if (line && !answered)
        answered = { ...(JSON.parse(line.slice('BENCH_ANSWER '.length)) as Answer), wallMs: performance.now() - started };
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      answered ? resolve(answered) : reject(new Error(`the driver exited ${code} without answering:\n${stderr}`)),
    );
  });
}

function breakdownOf(scenario: string, outcome: string, results: readonly Run[]): ColdStartBreakdown {
  const m = (pick: (run: Run) => number) => Math.round(median(results.map(pick)) * 10) / 10;
  const requireMs = (r: Run) => r.requireEndMs - r.requireStartMs;
  const firstCallMs = (r: Run) => r.answerMs - r.requireEndMs;
  const decideInCall = (r: Run) => r.phases.decideMs;
  return {
    scenario,
    outcome,
    runs: results.length,
    spawnToAnswerMs: m((r) => r.wallMs),
    childCpuMs: m((r) => r.cpuMs),
    nodeStartMs: m((r) => r.requireStartMs),
    requireMs: m(requireMs),
    wasmCompileMs: m((r) => r.phases.wasmCompileMs),
    wasmInstantiateMs: m((r) => r.phases.wasmInstantiateMs),
    preparseAtInitMs: m((r) => r.preparseInRequire),
    moduleLoadMs: m((r) => requireMs(r) - r.phases.wasmCompileMs - r.phases.wasmInstantiateMs - r.preparseInRequire),
    firstCallMs: m(firstCallMs),
    firstCallVerifyMs: m((r) => r.phases.verifyMs),
    firstCallDecideMs: m(decideInCall),
    firstCallOtherMs: m((r) => firstCallMs(r) - r.phases.verifyMs - decideInCall(r) - (r.phases.preparseMs - r.preparseInRequire)),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A real-shaped event with no token: refused once the module (engine included) has initialised, before any decision. */
function anonymousEvent(mode: ModeConfig): unknown {
  const route = mode.routes[0];
  const http = httpRoutes(mode.routes)[0];
  const path = (http?.path ?? '/').replace(/\{[^}]+\}/g, 'bench-1');
  const arnBase = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod';
  if (mode.api.type === 'http') {
    return {
      version: '2.0',
      type: 'REQUEST',
      routeArn: `${arnBase}/${http?.method}${path}`,
      identitySource: [],
      routeKey: `${http?.method} ${http?.path}`,
      rawPath: path,
      headers: {},
      requestContext: { http: { method: http?.method, path }, stage: '$default' },
    };
  }
  if (mode.api.type === 'websocket') {
    const parameter = route?.resource.queryParameter;
    return {
      type: 'REQUEST',
      methodArn: `${arnBase}/$connect`,
      headers: {},
      queryStringParameters: parameter ? { [parameter]: 'bench-1' } : {},
      requestContext: { routeKey: '$connect', eventType: 'CONNECT' },
    };
  }
  return {
    type: 'REQUEST',
    methodArn: `${arnBase}/${http?.method}${path}`,
    httpMethod: http?.method,
    path,
    headers: {},
    queryStringParameters: {},
  };
}

/** Customer mode, all the way to Cedar: a signed Cognito id token, its JWKS, and the account it asks for. */
function customerDecision(mode: ModeConfig, namespace: string): Scenario | undefined {
  const source = mode.identitySource;
  if (mode.name !== 'customer' || source.kind !== 'cognito') return undefined;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'bench-key';
  const region = source.userPoolId.split('_')[0];
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt(privateKey, kid, {
    sub: 'user-1',
    iss: `https://cognito-idp.${region}.amazonaws.com/${source.userPoolId}`,
    aud: source.clientIds[0],
    token_use: 'id',
    'custom:customer_id': 'cust-1',
    'cognito:groups': ['viewer'],
    auth_time: now,
    iat: now,
    exp: now + 3600,
  });
  const account = { type: `${namespace}::Account`, id: 'acct-1' };
  return {
    name: 'first decision (signed token → Allow)',
    event: {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/GET/accounts/acct-1',
      httpMethod: 'GET',
      path: '/accounts/acct-1',
      headers: { Authorization: `Bearer ${token}` },
      queryStringParameters: {},
    },
    jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] },
    entities: [
      {
        uid: { S: `${account.type}::${JSON.stringify(account.id)}` },
        entity: {
          S: JSON.stringify({
            attrs: {
              owner: { __entity: { type: `${namespace}::Customer`, id: 'cust-1' } },
              tenant: { __entity: { type: `${namespace}::Tenant`, id: 'tenant-1' } },
              currency: 'EUR',
              frozen: false,
            },
            parents: [],
          }),
        },
      },
    ],
  };
}

function signJwt(key: KeyObject, kid: string, payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'RS256', kid, typ: 'JWT' })}.${encode(payload)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}

const SPEC = {
  command: 'cold-start',
  usage: 'usage: npx tsx bench/cold-start.ts [--mode <generated mode>] [--runs <count>]   (defaults: customer, 7)',
  options: { mode: { type: 'string' }, runs: { type: 'string' } },
} as const;

async function main(values: { readonly mode?: string; readonly runs?: string }): Promise<number> {
  const modeName = values.mode ?? 'customer';
  const runs = Number(values.runs ?? '7');
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer, got ${values.runs}`);
  const project = generatedWorkloadProject();
  const outDir = mkdtempSync(join(tmpdir(), `cold-start-${modeName}-`));
  try {
    const modes = await loadGeneratedModes(project.root);
    const generated = modes.find((mode) => mode.name === modeName);
    if (!generated) throw new UsageError(`the workload has no mode ${modeName}; it has ${modes.map((mode) => mode.name).join(', ')}`);
    const MODE_CONFIG = generated.config;
    const bundleJson = JSON.parse(readFileSync(join(project.root, 'generated', modeName, 'policies.json'), 'utf8')) as {
      namespace: string;
    };
    const bundle = await bundleMode(project.root, modeName, outDir);
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');
    process.stdout.write(
      `cold start of the ${modeName} authorizer: esbuild, minified CJS, target ${AUTHORIZER_ESBUILD_TARGET}, @aws-sdk/* external\n`,
    );
    process.stdout.write(
      `bundle: index.js ${kb(bundle.jsBytes)} ` +
        `(target ≤ ${kb(BUNDLE_TARGET_BYTES)}: ${verdict(bundle.jsBytes <= BUNDLE_TARGET_BYTES)}); ` +
        `cedar_wasm_bg.wasm ${kb(bundle.wasmBytes)} beside it\n`,
    );

    const scenarios = [
      customerDecision(MODE_CONFIG, bundleJson.namespace),
      { name: 'no token (refused: 401, or isAuthorized false on HTTP APIs)', event: anonymousEvent(MODE_CONFIG) },
    ].filter((scenario): scenario is Scenario => scenario !== undefined);
    let withinTargets = bundle.jsBytes <= BUNDLE_TARGET_BYTES;
    const breakdowns: ColdStartBreakdown[] = [];
    for (const scenario of scenarios) {
      const file = join(outDir, `scenario-${scenarios.indexOf(scenario)}.json`);
      writeFileSync(file, JSON.stringify(scenario));
      const results: Run[] = [];
      for (let i = 0; i < runs; i++) results.push(await measure(bundle.js, file));
      const outcomes = [...new Set(results.map((result) => result.outcome))];
      const wall = median(results.map((result) => result.wallMs));
      breakdowns.push(breakdownOf(scenario.name, outcomes.join(', '), results));
      withinTargets &&= wall <= INIT_TARGET_MS;
      process.stdout.write(
        `${scenario.name}: answered ${outcomes.join(', ')}; median of ${runs} runs: ` +
          `spawn → answer ${wall.toFixed(0)} ms (target ≤ ${INIT_TARGET_MS} ms: ${verdict(wall <= INIT_TARGET_MS)}), ` +
          `of which node start-up (and network stand-ins) ${median(results.map((r) => r.requireStartMs)).toFixed(0)} ms, ` +
          `require(bundle) ${median(results.map((r) => r.requireEndMs - r.requireStartMs)).toFixed(0)} ms, ` +
          `first call ${median(results.map((r) => r.answerMs - r.requireEndMs)).toFixed(1)} ms ` +
          `(min ${Math.min(...results.map((r) => r.wallMs)).toFixed(0)}, max ${Math.max(...results.map((r) => r.wallMs)).toFixed(0)} ms)\n`,
      );
    }
    const row = (label: string, pick: (b: ColdStartBreakdown) => number) =>
      `| ${label} | ${breakdowns.map((b) => `${pick(b).toFixed(1)} ms`).join(' | ')} |`;
    process.stdout.write(
      [
        '',
        `where it goes (medians of ${runs} runs; a busy machine inflates wall time, the child's CPU time less so):`,
        '',
        `| part | ${breakdowns.map((b) => b.scenario).join(' | ')} |`,
        `|---|${breakdowns.map(() => '---|').join('')}`,
        row('spawn → answer (wall)', (b) => b.spawnToAnswerMs),
        row("child's CPU time (user + system)", (b) => b.childCpuMs),
        row('node start-up (and the stand-ins: the AWS SDK for the entity reads)', (b) => b.nodeStartMs),
        row('require(bundle)', (b) => b.requireMs),
        row('· wasm compile (4.2 MB, synchronous)', (b) => b.wasmCompileMs),
        row('· wasm instantiate', (b) => b.wasmInstantiateMs),
        row('· policy set + schema preparse (at init)', (b) => b.preparseAtInitMs),
        row('· module load (the bundle’s JavaScript)', (b) => b.moduleLoadMs),
        row('first call', (b) => b.firstCallMs),
        row('· RS256 key import + verify', (b) => b.firstCallVerifyMs),
        row('· first statefulIsAuthorized', (b) => b.firstCallDecideMs),
        row('· the rest (JWKS and entity stand-ins, claims, logging, hops)', (b) => b.firstCallOtherMs),
        '',
        `COLD_START_JSON ${JSON.stringify({ mode: modeName, targetMs: INIT_TARGET_MS, breakdowns })}`,
        '',
      ].join('\n'),
    );
    return withinTargets ? 0 : 1;
  } finally {
    if (process.env['COLD_START_KEEP'] === '1') process.stdout.write(`kept ${outDir}\n`);
    else rmSync(outDir, { recursive: true, force: true });
    project.remove();
  }
}

runCli(SPEC, async ({ values }) => {
  try {
    return await main(values);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Exit 2 keeps "the benchmark itself failed" apart from exit 1, "over a target".
    throw new CommandFailure(error instanceof Error ? error.message : String(error), 2, { cause: error });
  }
});
