// The event-boundary fuzzer's oracle: from the request a client sent, what the authorizer must answer. Written from
// API Gateway's documented behaviour and the mode's YAML contract, and Cedar asked directly through cedar-wasm's
// `isAuthorized` with the mode's own policy files and schema: no runtime code decides here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  policySetTextToParts,
  preparsePolicySet,
  preparseSchema,
  statefulIsAuthorized,
  type CedarValueJson,
  type EntityJson,
} from '@cedar-policy/cedar-wasm/nodejs';
import type { ModeConfig, RouteConfig } from '../../../runtime/config.js';
import { fixtureRoot } from '../../support/fixture-domain.js';
import { gatewayRoute, headerLinesOf, queryPairsOf, type GatewayRoute, type TokenText, type WireLine } from './fuzz-gateway.js';
import type { FuzzRequest, TokenCase } from './fuzz-requests.js';

export type Result = 'allow' | 'deny' | 'unauthorized';

/** The answer and the step that gave it; `ambiguous-input` is checked against the answer's reason. */
export interface Expected {
  readonly result: Result;
  readonly why: 'token' | 'ambiguous-input' | 'route' | 'claims' | 'tenant' | 'resource' | 'context' | 'cedar';
}

/** A principal as the fuzzer mints its token: the Cedar entity its claims stand for, or none when they map to none. */
export interface OraclePrincipal {
  readonly entity: EntityJson | undefined;
  /** Claims a route's context reads (`custom:approver_id`), as minted. */
  readonly claims: Readonly<Record<string, string>>;
  readonly tenant?: string;
}

export interface OracleMode {
  readonly mode: ModeConfig;
  readonly principals: readonly OraclePrincipal[];
  readonly entities: readonly EntityJson[];
  /** Multi-tenant modes: the tenants with a policy store. */
  readonly tenants?: readonly string[];
  readonly cedar: CedarOracle;
}

/**
 * Cedar's answer with the mode's policies (templates unlinked) and schema, request validation on; memoized. Both are
 * preparsed once under names of the oracle's own, so a decision costs no parse (cedar-wasm's stateful API).
 */
export class CedarOracle {
  private readonly id: string;
  private readonly answers = new Map<string, 'allow' | 'deny'>();
  calls = 0;

  constructor(domain: 'billing', policyDirs: readonly string[]) {
    const root = fixtureRoot(domain);
    const texts = policyDirs.flatMap((dir) =>
      readdirSync(join(root, 'policies', dir))
        .filter((f) => f.endsWith('.cedar'))
        .sort()
        .map((f) => readFileSync(join(root, 'policies', dir, f), 'utf8')),
    );
    const parts = policySetTextToParts(texts.join('\n'));
    if (parts.type !== 'success') throw new Error(`the fixture policies do not parse: ${JSON.stringify(parts.errors)}`);
    const schemaDir = join(root, 'schema');
    const schema = readdirSync(schemaDir)
      .filter((f) => f.endsWith('.cedarschema'))
      .map((f) => readFileSync(join(schemaDir, f), 'utf8'))
      .join('\n');
    this.id = `fuzz-oracle:${domain}:${policyDirs.join('+')}`;
    const policies = preparsePolicySet(this.id, { staticPolicies: Object.fromEntries(parts.policies.map((text, i) => [`p${i}`, text])) });
    const parsedSchema = preparseSchema(this.id, schema);
    if (policies.type !== 'success' || parsedSchema.type !== 'success') throw new Error(`the fixture ${domain} does not preparse`);
  }

  decide(request: {
    principal: EntityJson;
    action: string;
    resource: { type: string; id: string };
    context: Record<string, CedarValueJson>;
    entities: readonly EntityJson[];
  }): 'allow' | 'deny' {
    const key = JSON.stringify([request.principal, request.action, request.resource, request.context]);
    const known = this.answers.get(key);
    if (known) return known;
    this.calls++;
    const answer = statefulIsAuthorized({
      principal: request.principal.uid,
      action: { type: 'Billing::Action', id: request.action },
      resource: request.resource,
      context: request.context,
      preparsedSchemaName: this.id,
      validateRequest: true,
      preparsedPolicySetId: this.id,
      entities: [...request.entities, request.principal],
    });
    // A request the schema rejects (a missing context attribute) is refused, as every failure is.
    const decision = answer.type === 'success' ? answer.response.decision : 'deny';
    this.answers.set(key, decision);
    return decision;
  }
}

type Copies = { readonly kind: 'absent' } | { readonly kind: 'one'; readonly line: WireLine } | { readonly kind: 'ambiguous' };

/**
 * A header's copies as the event carries them. Header names are case-insensitive (RFC 9110 §5.1). REST and WebSocket
 * events list every copy in `multiValueHeaders`; HTTP payload 2.0 joins copies with commas, so a comma in a single
 * copy cannot be told from two ("Payload format differences",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 */
function headerCopies(lines: readonly WireLine[], name: string, api: FuzzRequest['api'], scalar: boolean): Copies {
  return copies(
    lines.filter((l) => l.name.toLowerCase() === name.toLowerCase()),
    api,
    scalar,
  );
}

/** A query value's copies: names are case-sensitive. */
function queryCopies(pairs: readonly WireLine[], name: string, api: FuzzRequest['api'], scalar: boolean): Copies {
  return copies(
    pairs.filter((p) => p.name === name),
    api,
    scalar,
  );
}

function copies(found: readonly WireLine[], api: FuzzRequest['api'], scalar: boolean): Copies {
  const [line, ...more] = found;
  if (!line) return { kind: 'absent' };
  if (more.length > 0) return { kind: 'ambiguous' };
  if (api === 'http' && scalar && line.value.includes(',')) return { kind: 'ambiguous' };
  return { kind: 'one', line };
}

/**
 * The request the event still describes after an `exact` mutation: `null` maps drop their lines; a REST event whose
 * multi-value maps are `null` keeps, per key of its `headers` map, only the last copy (the one API Gateway puts there).
 */
function effectiveLines(request: FuzzRequest, text: TokenText): { headers: WireLine[]; query: WireLine[] } {
  let headers = headerLinesOf(request, text);
  let query = queryPairsOf(request, text);
  if (request.mutation === 'headers-null') headers = [];
  if (request.mutation === 'query-null') query = [];
  if (request.mutation === 'multi-value-null') {
    const key = (name: string) => (request.layout === 'folded' ? name.toLowerCase() : name);
    headers = headers.filter((l, i) => !headers.slice(i + 1).some((later) => key(later.name) === key(l.name)));
    query = query.filter((p, i) => !query.slice(i + 1).some((later) => later.name === p.name));
  }
  return { headers, query };
}

const JWS_KINDS: ReadonlySet<TokenCase['kind']> = new Set(['valid', 'expired', 'tampered', 'unsigned', 'wrong-client']);

/**
 * A Long sent as text: a plain decimal integer, no sign other than `-`, no leading zero, no blank. The README's generated
 * schema section: Cedar's Long is 64-bit, JavaScript numbers are exact to ±(2^53 − 1), and larger values are refused
 * rather than rounded. Anything else (`+5`, `007`, `1e3`, ` 100`) is no number the backend and the policy would agree on.
 */
function parseLong(text: string): number | undefined {
  if (!/^-?(0|[1-9][0-9]*)$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function gatewayRoutes(mode: ModeConfig): GatewayRoute[] {
  return mode.routes.flatMap((r) => (r.kind === 'http' ? [{ method: r.method, path: r.path }] : []));
}

/**
 * What the authorizer must answer, in the order it must check: one well-formed token (else 401), a route API Gateway
 * would send the request to (else Deny), every request value that route reads sent once (else Deny, `ambiguous-input`),
 * a verified token (else 401), then the principal, tenant, resource and context, and Cedar's decision.
 */
export function expectedAnswer(oracle: OracleMode, request: FuzzRequest, text: TokenText): Expected {
  const { mode } = oracle;
  const { api } = request;
  const { headers, query } = effectiveLines(request, text);
  const refuse = (result: Result, why: Expected['why']): Expected => ({ result, why });

  // 1. The token: the header, else (WebSocket) the query parameter.
  let token = headerCopies(headers, mode.api.tokenHeader, api, true);
  if (token.kind === 'absent' && mode.api.tokenQueryParameter !== undefined)
    token = queryCopies(query, mode.api.tokenQueryParameter, api, true);
  if (token.kind === 'ambiguous') return refuse('unauthorized', 'ambiguous-input');
  if (token.kind === 'absent' || !token.line.token) return refuse('unauthorized', 'token');
  const copy = token.line.token;
  if (copy.spelling === 'Basic ' || !JWS_KINDS.has(copy.token.kind)) return refuse('unauthorized', 'token');

  // 2. The route.
  let route: RouteConfig | undefined;
  let pathParameters: Readonly<Record<string, string>> = {};
  if (api === 'websocket') route = mode.routes.find((r) => r.kind === 'connect');
  else {
    const routed = gatewayRoute(gatewayRoutes(mode), request.method, request.segments);
    route = routed && mode.routes.find((r) => r.kind === 'http' && r.method === routed.route.method && r.path === routed.route.path);
    pathParameters = routed?.pathParameters ?? {};
  }
  if (!route) return refuse('deny', 'route');

  // 3. Every request value the route reads, sent once.
  const reads = [
    ...route.context.flatMap((c) =>
      c.source === 'header'
        ? [headerCopies(headers, c.key, api, true)]
        : c.source === 'query'
          ? [queryCopies(query, c.key, api, true)]
          : [],
    ),
    ...(route.resource.queryParameter !== undefined ? [queryCopies(query, route.resource.queryParameter, api, true)] : []),
  ];
  if (reads.some((r) => r.kind === 'ambiguous')) return refuse('deny', 'ambiguous-input');

  // 4. The token verifies.
  if (copy.token.kind !== 'valid') return refuse('unauthorized', 'token');
  const principal = oracle.principals[copy.token.principal];
  if (!principal?.entity) return refuse('deny', 'claims');

  // 5. Tenant, resource and context.
  if (mode.tenancy.kind === 'multi') {
    // A tenant named in the path must be the token's; and the token's tenant must have a policy store.
    const named = mode.tenancy.pathParameter;
    if (named !== undefined && pathParameters[named] !== principal.tenant) return refuse('deny', 'tenant');
    if (!oracle.tenants?.includes(principal.tenant ?? '')) return refuse('deny', 'tenant');
  }
  const { resource: spec } = route;
  const id =
    spec.id ??
    (spec.pathParameter !== undefined
      ? pathParameters[spec.pathParameter]
      : spec.queryParameter !== undefined
        ? (() => {
            const value = queryCopies(query, spec.queryParameter ?? '', api, true);
            return value.kind === 'one' ? value.line.value : undefined;
          })()
        : undefined);
  if (!id || !oracle.entities.some((e) => JSON.stringify(e.uid) === JSON.stringify({ type: spec.type, id })))
    return refuse('deny', 'resource');
  const context: Record<string, CedarValueJson> = {};
  for (const value of route.context) {
    const raw =
      value.source === 'claim'
        ? principal.claims[value.key]
        : (() => {
            const found =
              value.source === 'header' ? headerCopies(headers, value.key, api, true) : queryCopies(query, value.key, api, true);
            return found.kind === 'one' ? found.line.value : undefined;
          })();
    if (raw === undefined) {
      if (value.required) return refuse('deny', 'context');
      continue;
    }
    if (value.type === 'Long') {
      const long = parseLong(raw);
      if (long === undefined) return refuse('deny', 'context');
      context[value.name] = long;
    } else if (value.type === 'String') context[value.name] = raw;
    else throw new Error(`the fuzz oracle reads no ${value.type} context value yet (${route.key} ${value.name})`);
  }

  // 6. Cedar.
  const decision = oracle.cedar.decide({
    principal: principal.entity,
    action: route.action,
    resource: { type: spec.type, id },
    context,
    entities: oracle.entities,
  });
  return { result: decision, why: 'cedar' };
}
