// Decision latency and memory as a tenant's policy set grows: 10 to 10,000 template-linked policies, and 10 to 10,000
// static policies spread over 50 actions.
//
// Each links size links the multi-tenant template `tenant.delegated-account-read` N times (a delegate user per account,
// as a bank grants read access to an accountant), next to the mode's static policies. Each static size adds N static
// policies, policy i naming action i mod 50, in one of two shapes (`StaticShape`). Every decision goes through the
// engine's policy slicer (runtime/engine/slicing/policy-slicer.ts), as the local engine decides: choose the request's
// slice, then `statefulIsAuthorized` on it; the time includes choosing the slice. Each size runs in its own
// `node --expose-gc` process, so memory deltas are that size's alone (cedar-wasm's linear memory only grows).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { preparsePolicySet, statefulIsAuthorized, type EntityJson, type TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { measure, round, type LatencyStats } from './lib/measure.js';
import { runCli } from '../common/cli/command-line.js';
import { WORKLOAD_NAMESPACE as NS, workloadMode } from './lib/fixture-workload.js';
import type { PolicyBundle } from '../runtime/config.js';
import type { TemplateLinkRecord } from '../runtime/engine/decision.js';
import { readActionHierarchy } from '../runtime/engine/slicing/action-hierarchy.js';
import { PolicySlicer } from '../runtime/engine/slicing/policy-slicer.js';

export const TEMPLATE_ID = 'tenant.delegated-account-read';
export const DEFAULT_SIZES = [10, 100, 1_000, 10_000] as const;
export const DEFAULT_STATIC_SIZES = [10, 1_000, 10_000] as const;
/** The actions the static policies are spread over. */
export const STATIC_ACTIONS = 50;
/** The goal (issue 16): p50 at 1,000 policies at most this many times p50 at 10 … */
export const GROWTH_GOAL = 1.5;
/** … and at 10,000 at most this many times. */
export const GROWTH_GOAL_10000 = 2;

/**
 * `principal-and-action`: policy i is `permit (principal == user-i, action == act-(i mod 50), resource)`, a grant per
 * user, as a team that writes one static policy per delegation would. `action-only`: policy i is
 * `permit (principal, action == act-(i mod 50), resource) when { principal.userId == "user-i" }`: its scope names only
 * the action, so an action's slice holds N / 50 policies and grows with N (slicing's bound, shown on purpose).
 */
export const STATIC_SHAPES = ['principal-and-action', 'action-only'] as const;
export type StaticShape = (typeof STATIC_SHAPES)[number];

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
  /** Indexing the policies and links, then choosing and preparsing the first request's slice: what a cold decision pays. */
  readonly preparseMs: number;
  /** A delegate reading the account its link names: allowed by that link alone. */
  readonly matchingLink: DecisionStats;
  /** A tenant user with no link and another customer's account: no policy allows it. */
  readonly matchingNone: DecisionStats;
  readonly memoryAfterPreparse: MemoryDelta;
  /** Whether global.gc ran before each memory reading (`node --expose-gc`). */
  readonly gcAvailable: boolean;
  readonly wrongDecisions: number;
  /** Slices the slicer held at the end, and their estimated bytes (policy text). */
  readonly slices: { readonly size: number; readonly bytes: number };
}

export interface StaticSizeResult {
  readonly staticPolicies: number;
  readonly shape: StaticShape;
  readonly actions: number;
  readonly preparseMs: number;
  /** user-i doing action i mod 50: allowed by policy i alone. */
  readonly matchingPolicy: DecisionStats;
  /** A user no policy names, on action 0: no policy allows it. */
  readonly matchingNone: DecisionStats;
  readonly memoryAfterPreparse: MemoryDelta;
  readonly gcAvailable: boolean;
  readonly wrongDecisions: number;
  readonly slices: { readonly size: number; readonly bytes: number };
}

export interface StaticScalingResult {
  readonly shape: StaticShape;
  readonly sizes: readonly StaticSizeResult[];
  readonly growth: {
    readonly matchingPolicyP50Ratio1000Over10?: number;
    readonly matchingNoneP50Ratio1000Over10?: number;
    readonly matchingPolicyP50Ratio10000Over10?: number;
    readonly matchingNoneP50Ratio10000Over10?: number;
    readonly goal: string;
    readonly goalMet?: boolean;
  };
}

export interface ScalingResult {
  readonly template: string;
  readonly sizes: readonly SizeResult[];
  readonly growth: {
    /** p50 at 1,000 linked policies divided by p50 at 10, per request. */
    readonly matchingLinkP50Ratio1000Over10?: number;
    readonly matchingNoneP50Ratio1000Over10?: number;
    readonly matchingLinkP50Ratio10000Over10?: number;
    readonly matchingNoneP50Ratio10000Over10?: number;
    /** The same ratios on CPU time per decision. */
    readonly matchingLinkCpuRatio1000Over10?: number;
    readonly matchingNoneCpuRatio1000Over10?: number;
    /** CPU µs each linked policy adds to a decision no policy allows, from 10 to 1,000 links. */
    readonly cpuUsPerAddedPolicy?: number;
    readonly goal: string;
    readonly goalMet?: boolean;
  };
  /** Static policies spread over 50 actions, one entry per shape. */
  readonly static: readonly StaticScalingResult[];
  /** Each size in its own process; `in process` when isolation was turned off or a child failed to run. */
  readonly isolation: 'process per size' | 'in process';
  readonly loadAverage1m: number;
  readonly wrongDecisions: number;
}

export interface ScalingOptions {
  readonly sizes?: readonly number[];
  readonly staticSizes?: readonly number[];
  readonly iterations?: number;
  /** Run each size in a child `node --expose-gc` process. @default true */
  readonly isolate?: boolean;
}

export async function benchScaling(options: ScalingOptions = {}): Promise<ScalingResult> {
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const staticSizes = options.staticSizes ?? DEFAULT_STATIC_SIZES;
  const iterations = options.iterations ?? 5_000;
  const isolate = options.isolate ?? true;
  const results: SizeResult[] = [];
  let isolation: ScalingResult['isolation'] = isolate ? 'process per size' : 'in process';
  const inChild = <T>(args: readonly string[]): T | undefined => {
    const child = isolate ? runInChild<T>([...args, '--iterations', String(iterations)]) : undefined;
    if (isolate && !child) isolation = 'in process';
    return child;
  };
  for (const size of sizes) {
    results.push(inChild<SizeResult>(['--policies', String(size)]) ?? (await benchSize(size, iterations)));
  }
  const statics: StaticScalingResult[] = [];
  for (const shape of STATIC_SHAPES) {
    const rows: StaticSizeResult[] = [];
    for (const size of staticSizes) {
      rows.push(
        inChild<StaticSizeResult>(['--static', String(size), '--shape', shape]) ?? (await benchStaticSize(size, shape, iterations)),
      );
    }
    statics.push({ shape, sizes: rows, growth: staticGrowth(rows) });
  }
  const at = (n: number) => results.find((r) => r.linkedPolicies === n);
  const small = at(10);
  const ratioAt = (n: number, value: (r: SizeResult) => number) => {
    const large = at(n);
    return small && large ? round(value(large) / Math.max(0.1, value(small)), 2) : undefined;
  };
  const ratio = (value: (r: SizeResult) => number) => ratioAt(1_000, value);
  const large = at(1_000);
  const matchingLinkRatio = ratio((r) => r.matchingLink.p50Us);
  const matchingNoneRatio = ratio((r) => r.matchingNone.p50Us);
  const matchingLinkRatio10000 = ratioAt(10_000, (r) => r.matchingLink.p50Us);
  const matchingNoneRatio10000 = ratioAt(10_000, (r) => r.matchingNone.p50Us);
  const matchingLinkCpuRatio = ratio((r) => r.matchingLink.cpuUsPerDecision);
  const matchingNoneCpuRatio = ratio((r) => r.matchingNone.cpuUsPerDecision);
  const perPolicy =
    small && large
      ? round(
          (large.matchingNone.cpuUsPerDecision - small.matchingNone.cpuUsPerDecision) / (large.linkedPolicies - small.linkedPolicies),
          2,
        )
      : undefined;
  const wrongDecisions =
    results.reduce((sum, r) => sum + r.wrongDecisions, 0) +
    statics.reduce((sum, shape) => sum + shape.sizes.reduce((inner, r) => inner + r.wrongDecisions, 0), 0);
  const within = (limit: number, ...ratios: (number | undefined)[]) =>
    ratios.every((r) => r !== undefined) ? ratios.every((r) => (r ?? Number.POSITIVE_INFINITY) <= limit) : undefined;
  const met1000 = within(GROWTH_GOAL, matchingLinkRatio, matchingNoneRatio);
  const met10000 = within(GROWTH_GOAL_10000, matchingLinkRatio10000, matchingNoneRatio10000);
  return {
    template: TEMPLATE_ID,
    sizes: results,
    growth: {
      ...(matchingLinkRatio !== undefined ? { matchingLinkP50Ratio1000Over10: matchingLinkRatio } : {}),
      ...(matchingNoneRatio !== undefined ? { matchingNoneP50Ratio1000Over10: matchingNoneRatio } : {}),
      ...(matchingLinkRatio10000 !== undefined ? { matchingLinkP50Ratio10000Over10: matchingLinkRatio10000 } : {}),
      ...(matchingNoneRatio10000 !== undefined ? { matchingNoneP50Ratio10000Over10: matchingNoneRatio10000 } : {}),
      ...(matchingLinkCpuRatio !== undefined ? { matchingLinkCpuRatio1000Over10: matchingLinkCpuRatio } : {}),
      ...(matchingNoneCpuRatio !== undefined ? { matchingNoneCpuRatio1000Over10: matchingNoneCpuRatio } : {}),
      ...(perPolicy !== undefined ? { cpuUsPerAddedPolicy: perPolicy } : {}),
      goal: GOAL_TEXT,
      ...(met1000 !== undefined ? { goalMet: met1000 && met10000 !== false } : {}),
    },
    static: statics,
    isolation,
    loadAverage1m: round(loadavg()[0] ?? 0, 2),
    wrongDecisions,
  };
}

const GOAL_TEXT = `p50 at 1,000 policies ≤ ${GROWTH_GOAL}× p50 at 10, and at 10,000 ≤ ${GROWTH_GOAL_10000}×`;

function staticGrowth(rows: readonly StaticSizeResult[]): StaticScalingResult['growth'] {
  const small = rows.find((r) => r.staticPolicies === 10);
  const ratio = (n: number, value: (r: StaticSizeResult) => number) => {
    const large = rows.find((r) => r.staticPolicies === n);
    return small && large ? round(value(large) / Math.max(0.1, value(small)), 2) : undefined;
  };
  const growth = {
    matchingPolicyP50Ratio1000Over10: ratio(1_000, (r) => r.matchingPolicy.p50Us),
    matchingNoneP50Ratio1000Over10: ratio(1_000, (r) => r.matchingNone.p50Us),
    matchingPolicyP50Ratio10000Over10: ratio(10_000, (r) => r.matchingPolicy.p50Us),
    matchingNoneP50Ratio10000Over10: ratio(10_000, (r) => r.matchingNone.p50Us),
  };
  const known = Object.values(growth).every((r) => r !== undefined);
  return {
    ...Object.fromEntries(Object.entries(growth).filter(([, value]) => value !== undefined)),
    goal: GOAL_TEXT,
    ...(known
      ? {
          goalMet:
            Math.max(growth.matchingPolicyP50Ratio1000Over10 ?? 0, growth.matchingNoneP50Ratio1000Over10 ?? 0) <= GROWTH_GOAL &&
            Math.max(growth.matchingPolicyP50Ratio10000Over10 ?? 0, growth.matchingNoneP50Ratio10000Over10 ?? 0) <= GROWTH_GOAL_10000,
        }
      : {}),
  };
}

/** Attempts per child: see `runInChild`. */
const CHILD_ATTEMPTS = 3;

/**
 * One size in a fresh `node --expose-gc --import tsx` process; undefined when that cannot run. A child is tried up to
 * `CHILD_ATTEMPTS` times: on Node 20.20, V8 intermittently aborts (SIGTRAP, "unreachable code" in the deoptimizer)
 * while the slicer indexes 10,000 static policies, and measuring in process after that would abort the whole bench.
 */
function runInChild<T>(args: readonly string[]): T | undefined {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (let attempt = 1; attempt <= CHILD_ATTEMPTS; attempt++) {
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    if (child.status === 0) return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as T;
    process.stderr.write(
      `scaling: the child for ${args.join(' ')} failed (${child.error?.message ?? `exit ${child.status ?? child.signal}`}), ` +
        `attempt ${attempt} of ${CHILD_ATTEMPTS}\n${child.stderr.slice(0, 2_000)}\n`,
    );
  }
  return undefined;
}

let slicerNumber = 0;

/** A slicer over the bundle's static policies plus `extra`, as the local engine builds one. */
function slicerOf(bundle: PolicyBundle, staticPolicies: Readonly<Record<string, string>>): PolicySlicer {
  return new PolicySlicer({
    baseId: `scaling#${slicerNumber++}`,
    staticPolicies,
    templates: bundle.templates,
    actions: readActionHierarchy(bundle.schema),
  });
}

interface Timed {
  readonly preparseMs: number;
  readonly memoryAfterPreparse: MemoryDelta;
  readonly gcAvailable: boolean;
}

/** Runs `setup` (index, then the first slice) between two memory readings, after warming the engine up. */
function timedSetup(setup: () => void): Timed {
  const gc = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;
  // cedar-wasm's first preparse and decision grow its linear memory and tier up its code: paid here, before the
  // baseline, so the delta below is what this many policies cost and not what the engine costs to start.
  warmUpEngine();
  gc?.();
  gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  setup();
  const preparseMs = performance.now() - started;
  gc?.();
  gc?.();
  const after = process.memoryUsage();
  return {
    preparseMs: round(preparseMs),
    memoryAfterPreparse: {
      rssBytes: after.rss - before.rss,
      heapUsedBytes: after.heapUsed - before.heapUsed,
      arrayBuffersBytes: after.arrayBuffers - before.arrayBuffers,
    },
    gcAvailable: gc !== undefined,
  };
}

/** The bundle's static policies plus `size` links, sliced per request; times an allowed and a denied request. */
export async function benchSize(size: number, iterations: number): Promise<SizeResult> {
  const bundle = delegationBundle();
  if (bundle.templates[TEMPLATE_ID] === undefined) throw new Error(`bench: the billing fixture has no template ${TEMPLATE_ID}`);
  const links: TemplateLinkRecord[] = Array.from({ length: size }, (_, i) => ({
    id: `delegate-${i}`,
    templateId: TEMPLATE_ID,
    principal: delegate(i),
    resource: account(i),
  }));
  // The middle link: a set that happened to be scanned in order would not look fast by luck.
  const allowed = delegateRequest(Math.floor(size / 2));
  const denied = outsiderRequest();
  let slicer: PolicySlicer | undefined;
  const setup = timedSetup(() => {
    slicer = slicerOf(bundle, bundle.policies);
    slicer.policySetId({ ...allowed.call }, links);
  });
  const sliced = slicer ?? slicerOf(bundle, bundle.policies);
  const counter = { wrong: 0 };
  const matchingLink = await timeDecisions(() => decide(sliced, links, allowed, counter), iterations);
  const matchingNone = await timeDecisions(() => decide(sliced, links, denied, counter), iterations);

  return {
    linkedPolicies: size,
    staticPolicies: Object.keys(bundle.policies).length,
    preparseMs: setup.preparseMs,
    matchingLink,
    matchingNone,
    memoryAfterPreparse: setup.memoryAfterPreparse,
    gcAvailable: setup.gcAvailable,
    wrongDecisions: counter.wrong,
    slices: { size: sliced.size, bytes: sliced.bytes },
  };
}

/** The bundle's static policies plus `size` more over 50 actions, in `shape`; times an allowed and a denied request. */
export async function benchStaticSize(size: number, shape: StaticShape, iterations: number): Promise<StaticSizeResult> {
  const bundle = delegationBundle();
  const act = (i: number): TypeAndId => ({ type: `${NS}::Action`, id: `act-${i % STATIC_ACTIONS}` });
  const actText = (i: number) => `${NS}::Action::"act-${i % STATIC_ACTIONS}"`;
  const user = (i: number): TypeAndId => ({ type: `${NS}::TenantUser`, id: `user-${i}` });
  const policies: Record<string, string> = { ...bundle.policies };
  for (let i = 0; i < size; i++) {
    policies[`grant-${i}`] =
      shape === 'principal-and-action'
        ? `permit (principal == ${NS}::TenantUser::"user-${i}", action == ${actText(i)}, resource);`
        : `permit (principal, action == ${actText(i)}, resource) when { principal.userId == "user-${i}" };`;
  }
  const middle = Math.floor(size / 2);
  const allowed = readAccount(user(middle), 'viewer', account(0), 'allow', act(middle));
  const denied = readAccount({ type: `${NS}::TenantUser`, id: 'outsider' }, 'viewer', account(0), 'deny', act(0));
  let slicer: PolicySlicer | undefined;
  const setup = timedSetup(() => {
    slicer = slicerOf(bundle, policies);
    slicer.policySetId({ ...allowed.call }, NO_LINKS);
  });
  const sliced = slicer ?? slicerOf(bundle, policies);
  const counter = { wrong: 0 };
  const matchingPolicy = await timeDecisions(() => decide(sliced, NO_LINKS, allowed, counter), iterations);
  const matchingNone = await timeDecisions(() => decide(sliced, NO_LINKS, denied, counter), iterations);
  return {
    staticPolicies: size,
    shape,
    actions: STATIC_ACTIONS,
    preparseMs: setup.preparseMs,
    matchingPolicy,
    matchingNone,
    memoryAfterPreparse: setup.memoryAfterPreparse,
    gcAvailable: setup.gcAvailable,
    wrongDecisions: counter.wrong,
    slices: { size: sliced.size, bytes: sliced.bytes },
  };
}

const NO_LINKS: readonly TemplateLinkRecord[] = [];

/** Choose the request's slice, then decide on it: what the local engine does per request. */
function decide(slicer: PolicySlicer, links: readonly TemplateLinkRecord[], request: Request, counter: { wrong: number }): void {
  const answer = statefulIsAuthorized({ ...request.call, preparsedPolicySetId: slicer.policySetId(request.call, links) });
  const decision = answer.type === 'success' ? answer.response.decision : 'failure';
  if (decision !== request.expected) counter.wrong++;
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
function readAccount(
  principal: TypeAndId,
  role: string,
  resource: TypeAndId,
  expected: 'allow' | 'deny',
  action: TypeAndId = { type: `${NS}::Action`, id: 'ViewAccount' },
): Request {
  const customer = { type: `${NS}::Customer`, id: 'cust-owner' };
  const userCustomer = { type: `${NS}::Customer`, id: 'cust-accountant' };
  const roleUid = { type: `${NS}::Role`, id: role };
  return {
    expected,
    call: {
      principal,
      action,
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
    usage:
      'usage: npx tsx bench/scaling.ts [--policies <linked policies> | --static <static policies> --shape <shape>] ' +
      '[--iterations <count>]',
    options: { policies: { type: 'string' }, static: { type: 'string' }, shape: { type: 'string' }, iterations: { type: 'string' } },
  } as const;
  runCli(spec, async ({ values }) => {
    const iterations = values.iterations !== undefined ? Number(values.iterations) : undefined;
    const shape = STATIC_SHAPES.find((known) => known === values.shape) ?? 'principal-and-action';
    const one =
      values.policies !== undefined
        ? await benchSize(Number(values.policies), iterations ?? 5_000)
        : values.static !== undefined
          ? await benchStaticSize(Number(values.static), shape, iterations ?? 5_000)
          : undefined;
    const result = one ?? (await benchScaling(iterations !== undefined ? { iterations } : {}));
    process.stdout.write(`${one ? JSON.stringify(one) : JSON.stringify(result, null, 2)}\n`);
    return 0;
  });
}
