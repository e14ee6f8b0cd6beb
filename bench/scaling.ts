// Decision latency and memory as a tenant's policy set grows: 10 to 10,000 template-linked policies.
//
// Each size links the multi-tenant template `tenant.delegated-account-read` N times (a delegate user per account, as
// a bank grants read access to an accountant), next to the mode's static policies, and preparses the whole set once.
// Then it times `statefulIsAuthorized` for a request one link allows and for one no policy allows. Each size runs in
// its own `node --expose-gc` process, so memory deltas are that size's alone (cedar-wasm's linear memory only grows).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  preparsePolicySet,
  statefulIsAuthorized,
  type EntityJson,
  type TemplateLink,
  type TypeAndId,
} from '@cedar-policy/cedar-wasm/nodejs';
import { measure, round, type LatencyStats } from './lib/measure.js';
import { runCli } from '../common/cli/command-line.js';
import { WORKLOAD_NAMESPACE as NS, workloadMode } from './lib/fixture-workload.js';
import type { PolicyBundle } from '../runtime/config.js';

export const TEMPLATE_ID = 'tenant.delegated-account-read';
export const DEFAULT_SIZES = [10, 100, 1_000, 10_000] as const;
/** The goal: p50 at 1,000 linked policies at most this many times p50 at 10. */
export const GROWTH_GOAL = 3;

export interface MemoryDelta {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** cedar-wasm's linear memory is an ArrayBuffer: it shows here and in rss, not in heapUsed. */
  readonly arrayBuffersBytes: number;
}

export interface DecisionStats extends LatencyStats {
  /**
   * CPU time (user + system) this process spent per decision. Wall-clock percentiles grow when other processes
   * share the cores; CPU time does not, so it is the steadier measure of how cost grows.
   */
  readonly cpuUsPerDecision: number;
}

export interface SizeResult {
  readonly linkedPolicies: number;
  readonly staticPolicies: number;
  readonly preparseMs: number;
  /** A delegate reading the account its link names: allowed by that link alone. */
  readonly matchingLink: DecisionStats;
  /** A tenant user with no link and another customer's account: no policy allows it. */
  readonly matchingNone: DecisionStats;
  readonly memoryAfterPreparse: MemoryDelta;
  /** Whether global.gc ran before each memory reading (`node --expose-gc`). */
  readonly gcAvailable: boolean;
  readonly wrongDecisions: number;
}

export interface ScalingResult {
  readonly template: string;
  readonly sizes: readonly SizeResult[];
  readonly growth: {
    /** p50 at 1,000 linked policies divided by p50 at 10, per request. */
    readonly matchingLinkP50Ratio1000Over10?: number;
    readonly matchingNoneP50Ratio1000Over10?: number;
    /** The same ratios on CPU time per decision. */
    readonly matchingLinkCpuRatio1000Over10?: number;
    readonly matchingNoneCpuRatio1000Over10?: number;
    /** CPU µs each linked policy adds to a decision no policy allows, from 10 to 1,000 links. */
    readonly cpuUsPerAddedPolicy?: number;
    readonly goal: string;
    readonly goalMet?: boolean;
  };
  /** Each size in its own process; `in process` when isolation was turned off or a child failed to run. */
  readonly isolation: 'process per size' | 'in process';
  readonly loadAverage1m: number;
  readonly wrongDecisions: number;
}

export interface ScalingOptions {
  readonly sizes?: readonly number[];
  readonly iterations?: number;
  /** Run each size in a child `node --expose-gc` process. @default true */
  readonly isolate?: boolean;
}

export async function benchScaling(options: ScalingOptions = {}): Promise<ScalingResult> {
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const iterations = options.iterations ?? 5_000;
  const isolate = options.isolate ?? true;
  const results: SizeResult[] = [];
  let isolation: ScalingResult['isolation'] = isolate ? 'process per size' : 'in process';
  for (const size of sizes) {
    const child = isolate ? runSizeInChild(size, iterations) : undefined;
    if (isolate && !child) isolation = 'in process';
    results.push(child ?? (await benchSize(size, iterations)));
  }
  const at = (n: number) => results.find((r) => r.linkedPolicies === n);
  const small = at(10);
  const large = at(1_000);
  const ratio = (value: (r: SizeResult) => number) => (small && large ? round(value(large) / Math.max(0.1, value(small)), 2) : undefined);
  const matchingLinkRatio = ratio((r) => r.matchingLink.p50Us);
  const matchingNoneRatio = ratio((r) => r.matchingNone.p50Us);
  const matchingLinkCpuRatio = ratio((r) => r.matchingLink.cpuUsPerDecision);
  const matchingNoneCpuRatio = ratio((r) => r.matchingNone.cpuUsPerDecision);
  const perPolicy =
    small && large
      ? round(
          (large.matchingNone.cpuUsPerDecision - small.matchingNone.cpuUsPerDecision) / (large.linkedPolicies - small.linkedPolicies),
          2,
        )
      : undefined;
  const wrongDecisions = results.reduce((sum, r) => sum + r.wrongDecisions, 0);
  return {
    template: TEMPLATE_ID,
    sizes: results,
    growth: {
      ...(matchingLinkRatio !== undefined ? { matchingLinkP50Ratio1000Over10: matchingLinkRatio } : {}),
      ...(matchingNoneRatio !== undefined ? { matchingNoneP50Ratio1000Over10: matchingNoneRatio } : {}),
      ...(matchingLinkCpuRatio !== undefined ? { matchingLinkCpuRatio1000Over10: matchingLinkCpuRatio } : {}),
      ...(matchingNoneCpuRatio !== undefined ? { matchingNoneCpuRatio1000Over10: matchingNoneCpuRatio } : {}),
      ...(perPolicy !== undefined ? { cpuUsPerAddedPolicy: perPolicy } : {}),
      goal: `p50 at 1,000 linked policies ≤ ${GROWTH_GOAL}× p50 at 10`,
      ...(matchingLinkRatio !== undefined && matchingNoneRatio !== undefined
        ? { goalMet: Math.max(matchingLinkRatio, matchingNoneRatio) <= GROWTH_GOAL }
        : {}),
    },
    isolation,
    loadAverage1m: round(loadavg()[0] ?? 0, 2),
    wrongDecisions,
  };
}

/** One size in a fresh `node --expose-gc --import tsx` process; undefined when that cannot run. */
function runSizeInChild(size: number, iterations: number): SizeResult | undefined {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--policies', String(size), '--iterations', String(iterations)],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (child.status !== 0) {
    process.stderr.write(
      `scaling: the child for ${size} policies failed (${child.error?.message ?? `exit ${child.status}`}); ` +
        `measuring in process\n${child.stderr}`,
    );
    return undefined;
  }
  const line = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as SizeResult;
}

/** Preparses the static policies plus `size` links, then times an allowed and a denied request. */
export async function benchSize(size: number, iterations: number): Promise<SizeResult> {
  const template = delegationBundle().templates[TEMPLATE_ID];
  if (template === undefined) throw new Error(`bench: the billing fixture has no template ${TEMPLATE_ID}`);
  const templateLinks: TemplateLink[] = Array.from({ length: size }, (_, i) => ({
    templateId: TEMPLATE_ID,
    newId: `delegate-${i}`,
    values: { '?principal': delegate(i), '?resource': account(i) },
  }));

  const gc = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;
  // cedar-wasm's first preparse and decision grow its linear memory and tier up its code: paid here, before the
  // baseline, so the delta below is what this many links cost and not what the engine costs to start.
  warmUpEngine();
  gc?.();
  gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const policySetId = `scaling-${size}`;
  const parsed = preparsePolicySet(policySetId, {
    staticPolicies: { ...delegationBundle().policies },
    templates: { [TEMPLATE_ID]: template },
    templateLinks,
  });
  const preparseMs = performance.now() - started;
  if (parsed.type === 'failure')
    throw new Error(`the ${size}-link policy set does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  // The links' inputs are garbage now; only what cedar-wasm keeps should count.
  templateLinks.length = 0;
  gc?.();
  gc?.();
  const after = process.memoryUsage();

  let wrong = 0;
  const decide = (request: Request) => {
    const answer = statefulIsAuthorized({ ...request.call, preparsedPolicySetId: policySetId });
    const decision = answer.type === 'success' ? answer.response.decision : 'failure';
    if (decision !== request.expected) wrong++;
  };
  // The middle link: a set that happened to be scanned in order would not look fast by luck.
  const allowed = delegateRequest(Math.floor(size / 2));
  const denied = outsiderRequest();
  const matchingLink = await timeDecisions(() => decide(allowed), iterations);
  const matchingNone = await timeDecisions(() => decide(denied), iterations);

  return {
    linkedPolicies: size,
    staticPolicies: Object.keys(delegationBundle().policies).length,
    preparseMs: round(preparseMs),
    matchingLink,
    matchingNone,
    memoryAfterPreparse: {
      rssBytes: after.rss - before.rss,
      heapUsedBytes: after.heapUsed - before.heapUsed,
      arrayBuffersBytes: after.arrayBuffers - before.arrayBuffers,
    },
    gcAvailable: gc !== undefined,
    wrongDecisions: wrong,
  };
}

/** Decisions the time budget allows, at most `iterations`: 10,000 links cost milliseconds per decision. */
const BUDGET_US_PER_REQUEST_TYPE = 4_000_000;
const MIN_SAMPLES = 100;

async function timeDecisions(call: () => void, iterations: number): Promise<DecisionStats> {
  const probeStarted = performance.now();
  for (let i = 0; i < 20; i++) call();
  const estimateUs = ((performance.now() - probeStarted) * 1000) / 20;
  const samples = Math.max(MIN_SAMPLES, Math.min(iterations, Math.floor(BUDGET_US_PER_REQUEST_TYPE / Math.max(1, estimateUs))));
  const warmup = Math.min(200, Math.floor(samples / 10));
  const cpuBefore = process.cpuUsage();
  const stats = await measure(call, { iterations: samples, warmup });
  const cpu = process.cpuUsage(cpuBefore);
  return { ...stats, cpuUsPerDecision: round((cpu.user + cpu.system) / (samples + warmup)) };
}

/** A tiny policy set, preparsed and decided once. */
function warmUpEngine(): void {
  const id = 'scaling-warm-up';
  preparsePolicySet(id, {
    staticPolicies: { ...delegationBundle().policies },
    templates: { ...delegationBundle().templates },
    templateLinks: [],
  });
  for (let i = 0; i < 200; i++) statefulIsAuthorized({ ...outsiderRequest().call, preparsedPolicySetId: id });
}

interface Request {
  readonly call: { principal: TypeAndId; action: TypeAndId; resource: TypeAndId; context: Record<string, never>; entities: EntityJson[] };
  readonly expected: 'allow' | 'deny';
}

/** The billing fixture's mode holding the delegation template (the fixed workload: bench/lib/fixture-workload.ts). */
function delegationBundle(): PolicyBundle {
  return workloadMode(`mode with the template ${TEMPLATE_ID}`, ({ POLICY_BUNDLE: b }) => TEMPLATE_ID in b.templates).POLICY_BUNDLE;
}

const TENANT = { type: `${NS}::Tenant`, id: 'acme-bank' };
const delegate = (i: number): TypeAndId => ({ type: `${NS}::TenantUser`, id: `delegate-${i}` });
const account = (i: number): TypeAndId => ({ type: `${NS}::Account`, id: `acct-${i}` });

/**
 * What the runtime hands the engine for a multi-tenant user: the principal with its role and tenant parents, and
 * the resource with its owner. `userCustomer` is not the account's owner, so only a delegation link can allow.
 */
function readAccount(principal: TypeAndId, role: string, resource: TypeAndId, expected: 'allow' | 'deny'): Request {
  const customer = { type: `${NS}::Customer`, id: 'cust-owner' };
  const userCustomer = { type: `${NS}::Customer`, id: 'cust-accountant' };
  const roleUid = { type: `${NS}::Role`, id: role };
  return {
    expected,
    call: {
      principal,
      action: { type: `${NS}::Action`, id: 'ViewAccount' },
      resource,
      context: {},
      entities: [
        {
          uid: principal,
          attrs: { userId: principal.id, customer: { __entity: userCustomer }, tenant: { __entity: TENANT } },
          parents: [roleUid, TENANT],
        },
        { uid: roleUid, attrs: {}, parents: [] },
        { uid: TENANT, attrs: {}, parents: [] },
        {
          uid: resource,
          attrs: { owner: { __entity: customer }, tenant: { __entity: TENANT }, currency: 'EUR', frozen: false },
          parents: [customer],
        },
        { uid: customer, attrs: { tenant: { __entity: TENANT }, country: 'FR' }, parents: [TENANT] },
      ],
    },
  };
}

const delegateRequest = (i: number) => readAccount(delegate(i), 'viewer', account(i), 'allow');
const outsiderRequest = () => readAccount({ type: `${NS}::TenantUser`, id: 'outsider' }, 'viewer', account(0), 'deny');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const spec = {
    command: 'scaling',
    usage: 'usage: npx tsx bench/scaling.ts [--policies <linked policies>] [--iterations <count>]',
    options: { policies: { type: 'string' }, iterations: { type: 'string' } },
  } as const;
  runCli(spec, async ({ values }) => {
    const iterations = values.iterations !== undefined ? Number(values.iterations) : undefined;
    const result =
      values.policies !== undefined
        ? await benchSize(Number(values.policies), iterations ?? 5_000)
        : await benchScaling(iterations !== undefined ? { iterations } : {});
    process.stdout.write(
      `${JSON.stringify(result, values.policies !== undefined ? undefined : null, values.policies !== undefined ? undefined : 2)}\n`,
    );
    return 0;
  });
}
