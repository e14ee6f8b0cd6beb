// Cross-checks each schema-valid mode against the Cedar schema and the policies: the checks JSON Schema cannot express.
import { diagnostic, START_OF_FILE, type Diagnostic, type SourcePosition } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { PolicySource } from '../load/cedar-policies.js';
import type { SchemaModel } from '../load/cedar-schema.js';
import { routeOverlap } from '../../runtime/routes/route-table.js';
import { formatValueType, parseValueType, ValueTypeSpellingError, type ParsedValueType } from '../../runtime/claims/value-type.js';
import type { ContextSource, ModeFile, RequestContextField, RouteSpec } from '../load/mode-file.js';
import type { YamlPath, YamlSource } from '../load/yaml-source.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { AVP_QUOTAS } from './quotas.js';

export interface LoadedMode {
  readonly source: YamlSource;
  readonly mode: ModeFile;
}

export const SCHEMA_LINE_PREFIX = '# yaml-language-server: $schema=';
export const API_GATEWAY_MAX_TTL_SECONDS = 3600;

interface CheckContext {
  readonly loaded: LoadedMode;
  readonly schema: SchemaModel | undefined;
  readonly report: (
    path: YamlPath,
    code: DiagnosticCode,
    message: string,
    options?: { target?: 'key' | 'value'; hint?: string; at?: SourcePosition },
  ) => void;
}

export interface ModeCheckInputs {
  readonly schema: SchemaModel | undefined;
  /** The policies that parsed. */
  readonly policies: readonly PolicySource[];
  /** Every .cedar file under policies/, parsed or not, so a syntax error is not also reported as a missing file. */
  readonly policyFiles: readonly string[];
}

export function checkMode(loaded: LoadedMode, { schema, policies, policyFiles }: ModeCheckInputs): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const context: CheckContext = {
    loaded,
    schema,
    report: (path, code, message, options = {}) =>
      diagnostics.push(
        diagnostic({
          file: loaded.source.file.path,
          at: options.at ?? loaded.source.positionOf(path, options.target ?? 'value'),
          code,
          message,
          ...(options.hint ? { hint: options.hint } : {}),
        }),
      ),
  };
  checkFileConventions(context);
  checkApi(context);
  checkRoutes(context);
  checkRouteOverlaps(context);
  checkRestVariableSiblings(context);
  checkCache(context);
  checkTenancyAndEngine(context);
  checkPolicyPaths(context, policies, policyFiles);
  checkDecisionRecords(context);
  if (schema) {
    checkClaims(context, schema);
    checkRouteActions(context, schema);
  }
  return diagnostics;
}

function checkFileConventions({ loaded, report }: CheckContext): void {
  const firstLine = loaded.source.file.text.split('\n', 1)[0] ?? '';
  if (!firstLine.startsWith(SCHEMA_LINE_PREFIX)) {
    // The finding is about line 1 itself, not the first mapping key (which may sit below a comment or blank line).
    report([], 'MODE_SCHEMA_LINE', 'the first line is not a yaml-language-server schema line', { at: START_OF_FILE });
  }
  const expected = loaded.source.file.path.replace(/^.*\//, '').replace(/\.yaml$/, '');
  if (loaded.mode.name !== expected) {
    report(['name'], 'MODE_NAME_MISMATCH', `the mode is named "${loaded.mode.name}" but its file is ${expected}.yaml`, {
      hint: `Set \`name: ${expected}\`, or rename the file to ${loaded.mode.name}.yaml.`,
    });
  }
}

function checkApi({ loaded, report }: CheckContext): void {
  const { api } = loaded.mode;
  if (api.authorizer === 'token' && api.type !== 'rest') {
    report(['api', 'authorizer'], 'API_AUTHORIZER_KIND', `a ${api.type} API has no token authorizer; use \`request\``);
  }
  if (api.tokenQueryParameter !== undefined && api.type !== 'websocket') {
    report(
      ['api', 'tokenQueryParameter'],
      'API_AUTHORIZER_KIND',
      `only WebSocket APIs take the token from the query string, not a ${api.type} API`,
      {
        target: 'key',
      },
    );
  }
}

/** A path template's parameter names; a greedy `{proxy+}` is named `proxy`, as API Gateway names it in `pathParameters`. */
function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1] ?? '');
}

/** Parameter names do not make two paths differ, but a greedy segment does: `/files/{id}` is not `/files/{proxy+}`. */
function routeShape(path: string): string {
  return path.replace(/\{[^}+]+\+\}/g, '{+}').replace(/\{[^}+]+\}/g, '{}');
}

function routeLabel(route: RouteSpec): string {
  return route.routeKey ?? `${route.method ?? '?'} ${route.path ?? '?'}`;
}

/**
 * ROUTE_OVERLAP, at the later of two routes that can match one request: API Gateway picks the more specific one
 * whatever the file's order ("Create routes for HTTP APIs", Routing API requests,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html), and so does the
 * authorizer (runtime/routes/route-table.ts); the warning says which one wins, so a shadowed route is not a surprise.
 */
function checkRouteOverlaps({ loaded, report }: CheckContext): void {
  const { routes } = loaded.mode;
  routes.forEach((later, j) => {
    if (later.method === undefined || later.path === undefined) return;
    for (let i = 0; i < j; i++) {
      const earlier = routes[i];
      if (earlier?.method === undefined || earlier.path === undefined) continue;
      const wins = routeOverlap({ method: earlier.method, path: earlier.path }, { method: later.method, path: later.path });
      if (wins === undefined) continue;
      const [winner, loser] = wins === 'first' ? [earlier, later] : [later, earlier];
      report(
        ['routes', j],
        'ROUTE_OVERLAP',
        `${routeLabel(later)} and route ${i + 1} (${routeLabel(earlier)}) can match the same request; ` +
          `API Gateway and the authorizer pick ${routeLabel(winner)} over ${routeLabel(loser)}`,
      );
    }
  });
}

/**
 * ROUTE_VARIABLE_SIBLING: a REST API is a tree of resources, and one resource may have only one child whose path part
 * is a variable (`{id}`, `{proxy+}`); API Gateway refuses a second at deploy time ("A sibling ({id}) of this resource
 * already has a variable path part -- only one is allowed"). HTTP APIs have no resource tree and route both.
 */
function checkRestVariableSiblings({ loaded, report }: CheckContext): void {
  if (loaded.mode.api.type !== 'rest') return;
  const firstChild = new Map<string, { part: string; index: number }>();
  const seen = new Set<string>();
  loaded.mode.routes.forEach((route, index) => {
    if (route.path === undefined) return;
    // A repeat of an earlier route is ROUTE_DUPLICATE's finding; removing it removes this one too.
    const key = `${route.method ?? ''} ${routeShape(route.path)}`;
    if (seen.has(key)) return;
    seen.add(key);
    const parts = route.path.replace(/^\//, '').split('/');
    parts.forEach((part, depth) => {
      if (!part.startsWith('{')) return;
      const parent = `/${parts.slice(0, depth).join('/')}`;
      const first = firstChild.get(parent);
      if (first === undefined) {
        firstChild.set(parent, { part, index });
      } else if (first.part !== part) {
        report(
          ['routes', index, 'path'],
          'ROUTE_VARIABLE_SIBLING',
          `${part} in ${route.path} and ${first.part} in route ${first.index + 1} are two variable children of ${parent}; ` +
            'a REST API allows one',
          { hint: `Write ${first.part} here too, so both paths share one resource under ${parent}.` },
        );
      }
    });
  });
}

function checkRoutes(context: CheckContext): void {
  const { loaded, report } = context;
  const { api, routes } = loaded.mode;
  const seen = new Map<string, number>();
  routes.forEach((route, index) => {
    const at: YamlPath = ['routes', index];
    if (api.type === 'websocket') {
      if (route.routeKey === undefined || route.method !== undefined || route.path !== undefined) {
        report(at, 'ROUTE_SHAPE', 'a WebSocket route is `routeKey: $connect`, without method or path');
      }
      if (route.resource.pathParameter !== undefined) {
        report([...at, 'resource', 'pathParameter'], 'ROUTE_SHAPE', 'a WebSocket $connect has no path parameters; use `queryParameter`', {
          target: 'key',
        });
      }
    } else if (route.routeKey !== undefined || route.method === undefined || route.path === undefined) {
      report(at, 'ROUTE_SHAPE', `a ${api.type} route needs \`method\` and \`path\`, and no \`routeKey\``);
    }

    if (route.path !== undefined && route.resource.pathParameter !== undefined) {
      const parameters = pathParameters(route.path);
      if (!parameters.includes(route.resource.pathParameter)) {
        const suggestion = closestMatch(route.resource.pathParameter, parameters);
        report(
          [...at, 'resource', 'pathParameter'],
          'ROUTE_PARAMETER_UNKNOWN',
          `path parameter \`${route.resource.pathParameter}\` does not appear in ${route.path}` +
            (suggestion ? `; did you mean \`${suggestion}\`?` : ''),
          {
            hint:
              parameters.length > 0
                ? `Use one of: ${parameters.join(', ')}.`
                : `This path has no parameters; add {${route.resource.pathParameter}} where the id goes.`,
          },
        );
      }
    }

    const key = route.routeKey ?? `${route.method ?? ''} ${routeShape(route.path ?? '')}`;
    const first = seen.get(key);
    if (first !== undefined) {
      report(at, 'ROUTE_DUPLICATE', `${routeLabel(route)} repeats route ${first + 1} (${routeLabel(routes[first] ?? route)})`);
    } else {
      seen.set(key, index);
    }

    for (const [name, source] of Object.entries(route.context ?? {})) {
      const valueAt: YamlPath = [...at, 'context', name];
      if (api.authorizer === 'token' && (source.header !== undefined || source.query !== undefined)) {
        report(valueAt, 'ROUTE_CONTEXT_SOURCE', `context \`${name}\` comes from the request, which a token authorizer never sees`);
      }
      if (source.request !== undefined) checkRequestContextValue(context, valueAt, name, source);
      if (source.carriedAs !== undefined && source.claim === undefined) {
        report(
          [...valueAt, 'carriedAs'],
          'MODE_INVALID_VALUE',
          `context \`${name}\` is not a claim; \`carriedAs\` says how a claim carries its value`,
          {
            target: 'key',
            hint: 'Remove `carriedAs`: header and query values are always text, request-context values are typed by API Gateway.',
          },
        );
      }
    }
  });

  const tenantParameter = loaded.mode.tenancy?.pathParameter;
  if (tenantParameter !== undefined && !routes.some((route) => route.path && pathParameters(route.path).includes(tenantParameter))) {
    report(
      ['tenancy', 'pathParameter'],
      'ROUTE_PARAMETER_UNKNOWN',
      `tenant path parameter \`${tenantParameter}\` appears in no route's path`,
    );
  }
}

/** The types each request-context value can be read as: API Gateway gives the source IP as text, the time in epoch ms. */
const REQUEST_CONTEXT_TYPES: Readonly<Record<RequestContextField, readonly string[]>> = {
  sourceIp: ['ipaddr', 'String'],
  requestTime: ['datetime', 'Long'],
};

function checkRequestContextValue({ loaded, report }: CheckContext, at: YamlPath, name: string, source: ContextSource): void {
  const field = source.request;
  if (field === undefined) return;
  if (loaded.mode.api.authorizer === 'token') {
    report(
      at,
      'ROUTE_CONTEXT_SOURCE',
      `context \`${name}\` comes from API Gateway's request context, which a token authorizer never receives`,
    );
  }
  const allowed = REQUEST_CONTEXT_TYPES[field];
  if (!allowed.includes(source.type)) {
    report([...at, 'type'], 'MODE_INVALID_VALUE', `\`request: ${field}\` is read as ${allowed.join(' or ')}, not ${source.type}`, {
      hint: `Declare \`type: ${allowed[0] ?? ''}\`${allowed[1] ? ` (or ${allowed[1]})` : ''}, and the same type in the action's context.`,
    });
  }
  if (source.required === false) {
    report([...at, 'required'], 'MODE_INVALID_VALUE', `\`request: ${field}\` is always present, so it cannot be optional`, {
      target: 'key',
      hint: 'Remove `required: false`.',
    });
  }
}

function checkCache({ loaded, report }: CheckContext): void {
  const { cache, api, routes } = loaded.mode;
  if (cache.ttlSeconds < 0 || cache.ttlSeconds > API_GATEWAY_MAX_TTL_SECONDS) {
    report(
      ['cache', 'ttlSeconds'],
      'CACHE_TTL_RANGE',
      `ttlSeconds is ${cache.ttlSeconds}; API Gateway accepts 0 to ${API_GATEWAY_MAX_TTL_SECONDS}`,
    );
  }
  // API Gateway answers 401 when an identity source is absent, so an optional value can never be in the cache key.
  if (cache.ttlSeconds > 0 && api.type !== 'websocket') {
    routes.forEach((route, index) => {
      for (const [name, source] of Object.entries(route.context ?? {})) {
        if (source.request !== undefined) {
          report(
            ['routes', index, 'context', name],
            'CACHE_CONTEXT_UNSAFE',
            `context \`${name}\` comes from the request's ${source.request}, which API Gateway's cache key does not cover; with a ` +
              `${cache.ttlSeconds} s cache, one request's answer would be reused for others`,
            { target: 'key', hint: 'Set `cache.ttlSeconds: 0` for a mode whose decisions read the request context.' },
          );
          continue;
        }
        if (source.required === false && (source.header !== undefined || source.query !== undefined)) {
          report(
            ['routes', index, 'context', name],
            'CACHE_CONTEXT_UNSAFE',
            `context \`${name}\` comes from an optional ` +
              `${source.header !== undefined ? `header ${source.header}` : `query parameter ${source.query}`}; ` +
              `with a ${cache.ttlSeconds} s cache, an answer given without it would be reused with it, and the reverse`,
            { target: 'key' },
          );
        }
      }
    });
  }
  // A token-keyed answer lists each route's method ARN, which holds the request's own verb and concrete path: a route
  // on `ANY` or with a path parameter would need a wildcard there, which the authorizer never allows.
  const templated = routes.find((route) => route.method === 'ANY' || (route.path ?? '').includes('{'));
  const idRoute = routes.find((route) => route.resource.pathParameter !== undefined || route.resource.queryParameter !== undefined);
  if (api.authorizer === 'token' && cache.ttlSeconds > 0 && idRoute) {
    report(
      ['cache', 'ttlSeconds'],
      'CACHE_TOKEN_UNSAFE',
      `a token authorizer caches on the token alone for ${cache.ttlSeconds} s, so the decision for one ${idRoute.resource.type} id would ` +
        `answer for every other id (route ${routeLabel(idRoute)})`,
    );
  } else if (api.authorizer === 'token' && cache.ttlSeconds > 0 && templated) {
    report(
      ['cache', 'ttlSeconds'],
      'CACHE_TOKEN_UNSAFE',
      `a token authorizer caches on the token alone for ${cache.ttlSeconds} s, so its answer must name every route's exact ` +
        `method ARN; route ${routeLabel(templated)} has none without a wildcard`,
      { hint: 'Set `cache.ttlSeconds: 0`, or use a `request` authorizer, whose cache key holds the method and path.' },
    );
  }
}

/** A redacted claim must be one the mode reads: a name that matches nothing would leave the value it meant in every record. */
function checkDecisionRecords({ loaded, report }: CheckContext): void {
  const { decisionRecords, claims, routes } = loaded.mode;
  const mapped = new Set([
    ...(claims.attributes ?? []).map((attribute) => attribute.claim),
    ...routes.flatMap((route) =>
      Object.values(route.context ?? {}).flatMap((source) => (source.claim !== undefined ? [source.claim] : [])),
    ),
  ]);
  (decisionRecords?.redactClaims ?? []).forEach((claim, index) => {
    if (mapped.has(claim)) return;
    const close = closestMatch(claim, [...mapped]);
    report(
      ['decisionRecords', 'redactClaims', index],
      'DECISION_RECORDS_UNKNOWN_CLAIM',
      `redactClaims names \`${claim}\`, which no claim attribute or route context of this mode reads`,
      close !== undefined ? { hint: `Did you mean \`${close}\`?` } : {},
    );
  });
}

function checkTenancyAndEngine({ loaded, report }: CheckContext): void {
  const { tenancy, claims, engine } = loaded.mode;
  if (tenancy?.kind === 'multi') {
    if (claims.tenant === undefined) {
      report(['tenancy', 'kind'], 'TENANT_CLAIM_MISSING', 'a multi-tenant mode must say which claim carries the tenant (`claims.tenant`)');
    }
    if (tenancy.policyStoreLookup === undefined) {
      report(
        ['tenancy', 'kind'],
        'TENANT_LOOKUP_MISSING',
        "a multi-tenant mode must say where to look up each tenant's policy store (`tenancy.policyStoreLookup`)",
      );
    }
    if (engine.kind !== 'avp') {
      report(
        ['engine', 'kind'],
        'TENANT_LOOKUP_MISSING',
        "a multi-tenant mode decides with each tenant's own policy store, so its engine must be `avp`",
      );
    }
  } else if (engine.kind === 'avp' && engine.policyStore === undefined) {
    report(['engine'], 'ENGINE_STORE_MISSING', 'the avp engine needs `policyStore.id` when the mode is not multi-tenant', {
      target: 'key',
    });
  }
  if (engine.kind === 'avp' && loaded.mode.templateLinks !== undefined) {
    report(
      ['templateLinks'],
      'TEMPLATE_LINKS_ENGINE',
      "an avp mode decides with the policy store's own template-linked policies, so it reads no link table",
      {
        target: 'key',
      },
    );
  }
  if (claims.principal.fromStore !== undefined && loaded.mode.entityStore === undefined) {
    report(
      ['claims', 'principal', 'fromStore'],
      'PRINCIPAL_STORE_MISSING',
      'the principal is completed from its stored entity, but the mode has no `entityStore`',
      {
        target: 'key',
      },
    );
  }
}

function checkPolicyPaths({ loaded, report }: CheckContext, policies: readonly PolicySource[], files: readonly string[]): void {
  const templates = new Set<PolicySource>();
  loaded.mode.policies.forEach((entry, index) => {
    const matches = policies.filter((policy) => policyBelongsTo(policy.file.path, entry));
    const matchedFiles = files.filter((file) => policyBelongsTo(file, entry));
    if (matchedFiles.length === 0) {
      const folders = [...new Set(files.map((file) => file.split('/')[1] ?? ''))];
      const suggestion = closestMatch(entry, folders);
      report(
        ['policies', index],
        'POLICY_PATH_NOT_FOUND',
        `no policy file under policies/${entry}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        {
          hint: `Use a folder or .cedar file under policies/: ${folders.join(', ')}.`,
        },
      );
    }
    const entryTemplates = matches.filter((policy) => policy.kind === 'template');
    for (const policy of entryTemplates) templates.add(policy);
    // A multi-tenant mode on the local engine is already refused (TENANT_LOOKUP_MISSING); links would not be its fix.
    const needsLinks =
      loaded.mode.engine.kind === 'local' && loaded.mode.tenancy?.kind !== 'multi' && loaded.mode.templateLinks === undefined;
    if (entryTemplates.length > 0 && needsLinks) {
      const ids = entryTemplates.map((policy) => policy.id ?? '?').sort();
      report(
        ['policies', index],
        'TEMPLATE_LINKS_MISSING',
        `policies/${entry} holds ${ids.length === 1 ? 'the template' : 'templates'} ${ids.join(', ')}, but the mode declares no ` +
          `\`templateLinks\` source, so no link would ever reach the local engine`,
      );
    }
  });
  if (templates.size > AVP_QUOTAS.templatesPerStore) {
    report(
      ['policies'],
      'QUOTA_TEMPLATES',
      `this mode's bundle holds ${templates.size} policy templates; a policy store holds at most ${AVP_QUOTAS.templatesPerStore}`,
      {
        target: 'key',
      },
    );
  }
}

/** `entry` names a folder or a file under policies/, such as `customer` or `shared/guardrails.cedar`. */
export function policyBelongsTo(policyFile: string, entry: string): boolean {
  const target = `policies/${entry.replace(/\/+$/, '')}`;
  return policyFile === target || policyFile.startsWith(`${target}/`);
}

function checkEntityType(context: CheckContext, schema: SchemaModel, path: YamlPath, name: string): boolean {
  if (schema.entityTypes.has(name)) return true;
  const known = [...schema.entityTypes.keys()].sort();
  const suggestion = closestMatch(name, known);
  // The hint names a type of this schema, whatever the domain: the closest one, or else the first.
  const example = suggestion ?? known[0];
  context.report(
    path,
    'ENTITY_TYPE_UNKNOWN',
    `entity type \`${name}\` is not in the schema${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
    example === undefined ? {} : { hint: `Use a namespaced entity type the schema declares, such as ${example}.` },
  );
  return false;
}

function checkClaims(context: CheckContext, schema: SchemaModel): void {
  const { claims } = context.loaded.mode;
  const principalType = claims.principal.entityType;
  const groupsOk = claims.groups ? checkEntityType(context, schema, ['claims', 'groups', 'entityType'], claims.groups.entityType) : false;
  const tenantOk = claims.tenant ? checkEntityType(context, schema, ['claims', 'tenant', 'entityType'], claims.tenant.entityType) : false;
  if (!checkEntityType(context, schema, ['claims', 'principal', 'entityType'], principalType)) return;
  const principal = schema.entityTypes.get(principalType);
  if (!principal) return;

  const filled = new Set<string>();
  (claims.attributes ?? []).forEach((mapping, index) => {
    const at: YamlPath = ['claims', 'attributes', index];
    const attribute = principal.attributes[mapping.attribute];
    if (!attribute) {
      const suggestion = closestMatch(mapping.attribute, Object.keys(principal.attributes));
      context.report(
        [...at, 'attribute'],
        'CLAIM_ATTRIBUTE_UNKNOWN',
        `${principalType} has no attribute \`${mapping.attribute}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        {
          hint: `Map to one of: ${Object.keys(principal.attributes).sort().join(', ')}.`,
        },
      );
      return;
    }
    // Mapped, even when its type is wrong: that is one finding, not also an unmapped required attribute.
    if (mapping.required !== false) filled.add(mapping.attribute);
    const declared = declaredType(context, [...at, 'type'], mapping.type);
    if (declared === undefined || !checkEntityTypesIn(context, schema, [...at, 'type'], declared)) return;
    const expected = formatValueType(attribute.type);
    if (formatValueType(declared) !== expected) {
      context.report(
        [...at, 'type'],
        'CLAIM_TYPE_MISMATCH',
        `claim \`${mapping.claim}\` is declared ${mapping.type} but ${principalType}.${mapping.attribute} is ${expected}`,
        {
          hint: `Declare \`type: ${quoteIfNeeded(expected)}\`.`,
        },
      );
    }
    if (mapping.delimiter !== undefined && declared.kind !== 'Set') {
      context.report(
        [...at, 'delimiter'],
        'CLAIM_TYPE_MISMATCH',
        `\`delimiter\` splits a claim into a set, but the type is ${mapping.type}`,
        {
          target: 'key',
          hint: 'Remove `delimiter`, or map to a Set attribute.',
        },
      );
    }
  });

  if (claims.tenant?.attribute !== undefined) {
    const attribute = principal.attributes[claims.tenant.attribute];
    if (!attribute) {
      context.report(
        ['claims', 'tenant', 'attribute'],
        'CLAIM_ATTRIBUTE_UNKNOWN',
        `${principalType} has no attribute \`${claims.tenant.attribute}\``,
      );
    } else if (formatValueType(attribute.type) !== `Entity<${claims.tenant.entityType}>`) {
      context.report(
        ['claims', 'tenant', 'attribute'],
        'CLAIM_TYPE_MISMATCH',
        `${principalType}.${claims.tenant.attribute} is ${formatValueType(attribute.type)}, ` +
          `not the tenant type ${claims.tenant.entityType}`,
      );
    } else {
      filled.add(claims.tenant.attribute);
    }
  }

  // A principal completed from its stored entity gets every attribute the token lacks from the store.
  const storeSupplies = claims.principal.fromStore !== undefined && context.loaded.mode.entityStore !== undefined;
  for (const [name, attribute] of Object.entries(principal.attributes)) {
    if (attribute.required && !filled.has(name) && !storeSupplies) {
      context.report(
        ['claims', 'principal'],
        'CLAIM_REQUIRED_UNMAPPED',
        `${principalType}.${name} is required by the schema but no required claim fills it`,
        { target: 'key' },
      );
    }
  }

  if (claims.groups && groupsOk && !principal.memberOfTypes.includes(claims.groups.entityType)) {
    context.report(
      ['claims', 'groups', 'entityType'],
      'PARENT_TYPE_MISMATCH',
      `${principalType} cannot be a member of ${claims.groups.entityType}; the schema allows [${principal.memberOfTypes.join(', ')}]`,
    );
  }
  if (claims.tenant?.asParent && tenantOk && !principal.memberOfTypes.includes(claims.tenant.entityType)) {
    context.report(
      ['claims', 'tenant', 'asParent'],
      'PARENT_TYPE_MISMATCH',
      `${principalType} cannot be a member of ${claims.tenant.entityType}; the schema allows [${principal.memberOfTypes.join(', ')}]`,
    );
  }
}

function checkRouteActions(context: CheckContext, schema: SchemaModel): void {
  const { routes, claims } = context.loaded.mode;
  const principalType = claims.principal.entityType;
  routes.forEach((route, index) => {
    const at: YamlPath = ['routes', index];
    const resourceOk = checkEntityType(context, schema, [...at, 'resource', 'type'], route.resource.type);
    const action = schema.actions.get(route.action);
    if (!action) {
      const suggestion = closestMatch(route.action, [...schema.actions.keys()]);
      context.report(
        [...at, 'action'],
        'ACTION_UNKNOWN',
        `action \`${route.action}\` is not in the schema${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
      );
      return;
    }
    if (action.principalTypes.length === 0) {
      const members = [...schema.actions.values()].filter((member) => member.groups.includes(action.id)).map((member) => member.id);
      context.report(
        [...at, 'action'],
        'ACTION_PRINCIPAL_MISMATCH',
        `${route.action} has no appliesTo (an action group), so no request can name it`,
        {
          hint:
            members.length > 0
              ? `Route one of its member actions: ${members.join(', ')}.`
              : 'Give the action an `appliesTo` in the schema.',
        },
      );
    } else if (schema.entityTypes.has(principalType) && !action.principalTypes.includes(principalType)) {
      context.report(
        [...at, 'action'],
        'ACTION_PRINCIPAL_MISMATCH',
        `${route.action} does not apply to principal ${principalType}; it applies to [${action.principalTypes.join(', ')}]`,
      );
    }
    if (resourceOk && action.principalTypes.length > 0 && !action.resourceTypes.includes(route.resource.type)) {
      context.report(
        [...at, 'resource', 'type'],
        'ACTION_RESOURCE_MISMATCH',
        `${route.action} does not apply to resource ${route.resource.type}; it applies to [${action.resourceTypes.join(', ')}]`,
        {
          hint: `Use one of: ${action.resourceTypes.join(', ')}.`,
        },
      );
    }
    const resourceType = schema.entityTypes.get(route.resource.type);
    if (resourceType?.kind === 'enum' && route.resource.id !== undefined && !resourceType.choices.includes(route.resource.id)) {
      context.report(
        [...at, 'resource', 'id'],
        'MODE_INVALID_VALUE',
        `${route.resource.type} is an enumerated entity type without the id \`${route.resource.id}\``,
        {
          hint: `Use one of: ${resourceType.choices.join(', ')}.`,
        },
      );
    }
    const supplied = route.context ?? {};
    for (const [name, source] of Object.entries(supplied)) {
      const expected = action.context[name];
      if (!expected) {
        const suggestion = closestMatch(name, Object.keys(action.context));
        context.report(
          [...at, 'context', name],
          'ROUTE_CONTEXT_UNKNOWN',
          `${route.action}'s context has no attribute \`${name}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
          {
            target: 'key',
          },
        );
        continue;
      }
      const declared = declaredType(context, [...at, 'context', name, 'type'], source.type);
      if (declared === undefined || !checkEntityTypesIn(context, schema, [...at, 'context', name, 'type'], declared)) continue;
      const expectedSpelling = formatValueType(expected.type);
      if (formatValueType(declared) !== expectedSpelling) {
        context.report(
          [...at, 'context', name, 'type'],
          'ROUTE_CONTEXT_TYPE',
          `context \`${name}\` is declared ${source.type} but ${route.action} expects ${expectedSpelling}`,
          {
            hint: `Declare \`type: ${quoteIfNeeded(expectedSpelling)}\`.`,
          },
        );
      }
    }
    for (const [name, attribute] of Object.entries(action.context)) {
      const source = supplied[name];
      if (attribute.required && (source === undefined || source.required === false)) {
        context.report(
          source ? [...at, 'context', name] : at,
          'ROUTE_CONTEXT_MISSING',
          `${route.action} requires context \`${name}\` (${formatValueType(attribute.type)}) ` +
            `but route ${routeLabel(route)} does not always supply it`,
          {
            target: source ? 'key' : 'value',
          },
        );
      }
    }
  });
}

/** Parses a mode's type spelling; a spelling that is not a Cedar type is reported at the value, with the parser's reason. */
function declaredType(context: CheckContext, path: YamlPath, spelling: string): ParsedValueType | undefined {
  try {
    return parseValueType(spelling);
  } catch (error) {
    if (!(error instanceof ValueTypeSpellingError)) throw error;
    context.report(path, 'MODE_INVALID_VALUE', `\`${spelling}\` is not a Cedar type: ${error.message}`, {
      hint:
        'Spell the type as Cedar schemas do: String, Long, Boolean, decimal, ipaddr, ' +
        'datetime, duration, Set<T>, Entity<Ns::Type>, { name: T, other?: T }.',
    });
    return undefined;
  }
}

/** Every entity type a declared type names (inside sets and records too) must be in the schema. */
function checkEntityTypesIn(context: CheckContext, schema: SchemaModel, path: YamlPath, type: ParsedValueType): boolean {
  switch (type.kind) {
    case 'Entity':
      return checkEntityType(context, schema, path, type.name);
    case 'Set':
      return checkEntityTypesIn(context, schema, path, type.element);
    case 'Record':
      return Object.values(type.attributes).every((attribute) => checkEntityTypesIn(context, schema, path, attribute.type));
    default:
      return true;
  }
}

/** A record spelling starts with `{`, which YAML reads as a map unless it is quoted. */
function quoteIfNeeded(spelling: string): string {
  return spelling.startsWith('{') ? JSON.stringify(spelling) : spelling;
}
