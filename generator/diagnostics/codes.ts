// The catalog of every diagnostic `validate` can report: its severity, what it means and how to fix it.
// The README's diagnostics table is checked against this list by a test, so the two never drift.

export type Severity = 'error' | 'warning';

/** One entry of a catalog of codes: this one for `validate`, policy-testing/diagnostics.ts for the test files. */
export interface CodeInfo {
  readonly severity: Severity;
  /** One line: what is wrong. */
  readonly summary: string;
  /** The default fix, shown when a diagnostic has no more specific hint. */
  readonly hint: string;
}

export const DIAGNOSTIC_CODES = {
  INPUT_MISSING: {
    severity: 'error',
    summary: 'A required input is missing: the schema, a policy file or a mode file.',
    hint: 'Keep exactly one .cedarschema file in schema/, policies in policies/ and one YAML file per mode in modes/.',
  },
  YAML_SYNTAX: {
    severity: 'error',
    summary: 'A mode file or project.yaml is not valid YAML.',
    hint: 'Fix the YAML at this position: check indentation, quoting and duplicate keys.',
  },
  MODE_SCHEMA_LINE: {
    severity: 'warning',
    summary: 'A mode file does not start with the yaml-language-server schema line.',
    hint:
      'Make the first line `# yaml-language-server: $schema=../generator/schemas/mode.schema.json` ' +
      'so editors autocomplete and check it.',
  },
  MODE_REQUIRED: {
    severity: 'error',
    summary: 'A mode file lacks a required field.',
    hint: 'Add the field; generator/schemas/mode.schema.json describes every field.',
  },
  MODE_UNKNOWN_KEY: {
    severity: 'error',
    summary: 'A mode file has a key the mode schema does not know (often a typo).',
    hint: 'Remove the key or correct its spelling.',
  },
  MODE_INVALID_VALUE: {
    severity: 'error',
    summary: 'A mode field has a value of the wrong type or outside its allowed values.',
    hint: 'Use a value that generator/schemas/mode.schema.json allows.',
  },
  PROJECT_MISSING: {
    severity: 'error',
    summary: 'The project root has no project.yaml, the settings every mode shares (application name, alarm topic, tags, owners).',
    hint: 'Create project.yaml at the root with `application`, `alarmTopic`, `tags` and `owners`; README.md, Project settings, has one.',
  },
  PROJECT_SCHEMA_LINE: {
    severity: 'warning',
    summary: 'project.yaml does not start with the yaml-language-server schema line.',
    hint: 'Make the first line `# yaml-language-server: $schema=./generator/schemas/project.schema.json` so editors check it.',
  },
  PROJECT_REQUIRED: {
    severity: 'error',
    summary: 'project.yaml lacks a required field.',
    hint: 'Add the field; generator/schemas/project.schema.json describes every field.',
  },
  PROJECT_UNKNOWN_KEY: {
    severity: 'error',
    summary: 'project.yaml has a key its schema does not know (often a typo).',
    hint: 'Remove the key or correct its spelling.',
  },
  PROJECT_INVALID_VALUE: {
    severity: 'error',
    summary: 'A project.yaml field has a value of the wrong type or outside its allowed values, such as a name not in kebab-case.',
    hint: 'Use a value that generator/schemas/project.schema.json allows.',
  },
  MODE_NAME_MISMATCH: {
    severity: 'error',
    summary: "A mode's `name` differs from its file name.",
    hint: 'Make `name` equal the file name without `.yaml`; generated folders are named after it.',
  },
  CEDAR_SCHEMA_SYNTAX: {
    severity: 'error',
    summary: 'The Cedar schema does not parse.',
    hint: 'Fix the schema syntax at this position (see https://docs.cedarpolicy.com/schema/human-readable-schema.html).',
  },
  CEDAR_SCHEMA_NAMESPACE: {
    severity: 'error',
    summary: 'The Cedar schema must declare exactly one namespace.',
    hint: 'Wrap every entity type and action in a single `namespace Name { ... }` block.',
  },
  CEDAR_SCHEMA_WARNING: {
    severity: 'warning',
    summary: 'Cedar accepts the schema but warns about it, such as a common type shadowing a builtin or an entity type.',
    hint: 'Rename the common type; a shadowed builtin stays reachable as `__cedar::<name>`.',
  },
  CEDAR_SCHEMA_UNSUPPORTED: {
    severity: 'error',
    summary: 'The Cedar schema uses a construct the generator cannot model or render.',
    hint: 'Rename or rewrite the declaration at this position; the message names what the generator cannot model or render.',
  },
  CEDAR_POLICY_SYNTAX: {
    severity: 'error',
    summary: 'A Cedar policy file does not parse.',
    hint: 'Fix the policy syntax at this position (see https://docs.cedarpolicy.com/policies/syntax-policy.html).',
  },
  CEDAR_POLICY_INVALID: {
    severity: 'error',
    summary: 'A policy fails strict validation against the schema.',
    hint: 'Use only entity types, attributes and actions the schema declares, with matching types.',
  },
  POLICY_MISSING_ID: {
    severity: 'error',
    summary: 'A policy has no @id annotation.',
    hint:
      'Run `npm run fmt -- --fix`: it adds an @id derived from the file and the policy scope. Or add a unique ' +
      '`@id("area.what-it-allows")` line above the policy; tests and stacks refer to it.',
  },
  POLICY_DUPLICATE_ID: {
    severity: 'error',
    summary: 'Two policies share one @id.',
    hint: 'Give each policy its own @id; ids must be unique across all policy files.',
  },
  POLICY_MISSING_DOC: {
    severity: 'error',
    summary: 'A policy has no `///` comment saying why it exists.',
    hint: 'Add a `/// why this policy exists` comment directly above its annotations.',
  },
  POLICY_PATH_NOT_FOUND: {
    severity: 'error',
    summary: "A mode's `policies` entry matches no .cedar file under policies/.",
    hint: 'Name a folder or a file under policies/ (without the `policies/` prefix).',
  },
  ENTITY_TYPE_UNKNOWN: {
    severity: 'error',
    summary: 'A mode names an entity type the schema does not declare.',
    hint: 'Use a namespaced entity type the schema declares, spelt `Namespace::Type`.',
  },
  ACTION_UNKNOWN: {
    severity: 'error',
    summary: 'A route names an action the schema does not declare.',
    hint: 'Use an action declared in the schema.',
  },
  ACTION_PRINCIPAL_MISMATCH: {
    severity: 'error',
    summary: "A route's action does not apply to the mode's principal type.",
    hint: "Add the principal type to the action's `appliesTo.principal` in the schema, or route another action.",
  },
  ACTION_RESOURCE_MISMATCH: {
    severity: 'error',
    summary: "A route's action does not apply to the route's resource type.",
    hint: "Use a resource type from the action's `appliesTo.resource`.",
  },
  CLAIM_ATTRIBUTE_UNKNOWN: {
    severity: 'error',
    summary: 'A claim is mapped to an attribute the principal type does not have.',
    hint: 'Map the claim to an attribute the schema declares on the principal type, or add it to the schema.',
  },
  CLAIM_TYPE_MISMATCH: {
    severity: 'error',
    summary: "A claim's declared type differs from the schema attribute's type.",
    hint: 'Declare the same Cedar type the schema gives the attribute.',
  },
  CLAIM_REQUIRED_UNMAPPED: {
    severity: 'error',
    summary: 'A required attribute of the principal type is not filled from a required claim.',
    hint: 'Map a claim to the attribute (with `required: true`), or make the attribute optional in the schema.',
  },
  PARENT_TYPE_MISMATCH: {
    severity: 'error',
    summary: 'Groups or the tenant are mapped to parents the principal type cannot be a member of.',
    hint: "Add the type to the principal's `in [...]` list in the schema, or map to another entity type.",
  },
  ROUTE_SHAPE: {
    severity: 'error',
    summary: "A route's shape does not fit the API type.",
    hint: 'REST and HTTP routes need `method` and `path`; WebSocket routes need `routeKey: $connect` and nothing else.',
  },
  ROUTE_PARAMETER_UNKNOWN: {
    severity: 'error',
    summary: 'A path parameter named by a route or the tenancy does not appear in the path.',
    hint: 'Use a {parameter} that appears in the path template.',
  },
  ROUTE_DUPLICATE: {
    severity: 'error',
    summary: 'Two routes of one mode share a method and path.',
    hint: 'Keep one route per method and path (paths differing only in parameter names are the same path).',
  },
  ROUTE_GREEDY_NOT_LAST: {
    severity: 'error',
    summary: 'A greedy path parameter ({name+}) is not the last segment of its path; API Gateway allows it only at the end.',
    hint: 'Move the {name+} segment to the end of the path, or make it a plain {name}.',
  },
  ROUTE_VARIABLE_SIBLING: {
    severity: 'error',
    summary: 'Two REST routes put different variable segments ({id}, {name}, {proxy+}) under one parent; a REST API allows one.',
    hint: 'Use one variable name at this position in every path of the mode (REST APIs refuse sibling variable resources).',
  },
  ROUTE_OVERLAP: {
    severity: 'warning',
    summary: 'Two route templates of one mode can match the same request; API Gateway sends it to the more specific one.',
    hint:
      'Check that the winner is the route you mean: a literal segment beats a {parameter}, {proxy+} comes last, ' +
      'and an exact method beats ANY, whatever the order in the file.',
  },
  ROUTE_CONTEXT_UNKNOWN: {
    severity: 'error',
    summary: "A route supplies a context attribute its action's context does not declare.",
    hint: "Remove it, or add it to the action's context in the schema.",
  },
  ROUTE_CONTEXT_TYPE: {
    severity: 'error',
    summary: "A route's context attribute has a type other than the schema's.",
    hint: 'Declare the same Cedar type as the action context in the schema.',
  },
  ROUTE_CONTEXT_MISSING: {
    severity: 'error',
    summary: 'A route does not supply a required context attribute of its action.',
    hint: "Add the attribute under the route's `context`, from a header, query parameter or claim.",
  },
  ROUTE_CONTEXT_SOURCE: {
    severity: 'error',
    summary: 'A context source the authorizer cannot see.',
    hint: 'A `token` authorizer sees only the token: take context from claims, or use a `request` authorizer.',
  },
  API_AUTHORIZER_KIND: {
    severity: 'error',
    summary: 'The authorizer kind or token location does not exist for this API type.',
    hint: '`token` authorizers exist only for REST APIs; `tokenQueryParameter` only for WebSocket APIs.',
  },
  CACHE_TTL_RANGE: {
    severity: 'error',
    summary: "The decision cache TTL is outside API Gateway's 0 to 3600 seconds.",
    hint: 'Use a TTL from 0 (no caching) to 3600 seconds.',
  },
  CACHE_CONTEXT_UNSAFE: {
    severity: 'error',
    summary: "A cached route reads a value API Gateway's cache key cannot hold: an optional header or query value, or the request context.",
    hint: 'Make the value required (it then joins the cache key), take it from a claim, or set `cache.ttlSeconds: 0`.',
  },
  CACHE_TOKEN_UNSAFE: {
    severity: 'error',
    summary: "A cached `token` authorizer would reuse one route's decision for other resource ids.",
    hint: 'Use a `request` authorizer (its cache key includes method and path), or set `cache.ttlSeconds: 0`.',
  },
  TENANT_CLAIM_MISSING: {
    severity: 'error',
    summary: 'A multi-tenant mode has no tenant claim.',
    hint: 'Add `claims.tenant` with the claim that carries the tenant id.',
  },
  TENANT_LOOKUP_MISSING: {
    severity: 'error',
    summary: 'A multi-tenant mode has no tenant to policy-store lookup, or does not use the avp engine.',
    hint: 'Add `tenancy.policyStoreLookup` (DynamoDB table and key) and use `engine.kind: avp`.',
  },
  ENGINE_STORE_MISSING: {
    severity: 'error',
    summary: 'A single-tenant mode uses the avp engine without a policy store.',
    hint: 'Add `engine.policyStore.id` (and `env` to override it at run time).',
  },
  PRINCIPAL_STORE_MISSING: {
    severity: 'error',
    summary: 'A mode completes the principal from its stored entity (`claims.principal.fromStore`) but has no entity store.',
    hint: 'Add `entityStore` (the DynamoDB table holding the principal entities), or remove `fromStore`.',
  },
  TEMPLATE_LINKS_MISSING: {
    severity: 'error',
    summary: "A local-engine mode's bundle holds a policy template, but the mode declares no `templateLinks` source.",
    hint: "Add `templateLinks` (the DynamoDB table of links), or leave the template out of this mode's `policies`.",
  },
  DECISION_RECORDS_UNKNOWN_CLAIM: {
    severity: 'error',
    summary: '`decisionRecords.redactClaims` names a claim the mode maps to no principal attribute and no route context value.',
    hint: 'Name a claim from `claims.attributes[].claim` or a route context `claim:`; a claim the mode never reads is never recorded.',
  },
  TEMPLATE_LINKS_ENGINE: {
    severity: 'error',
    summary: 'An avp mode declares `templateLinks`; AVP keeps template-linked policies in the policy store.',
    hint: 'Remove `templateLinks`, and link templates in the policy store (CreatePolicy with a templateLinked definition).',
  },
  QUOTA_POLICY_SIZE: {
    severity: 'error',
    summary: 'A policy is larger than the 10,000 bytes Amazon Verified Permissions accepts.',
    hint: 'Split the policy into smaller policies.',
  },
  QUOTA_SCHEMA_SIZE: {
    severity: 'error',
    summary: 'The schema is larger than the 100,000 bytes Amazon Verified Permissions accepts.',
    hint: 'Remove unused entity types, attributes or actions.',
  },
  QUOTA_TEMPLATES: {
    severity: 'error',
    summary: "A mode's bundle holds more than the 40 policy templates a policy store may hold.",
    hint: 'Merge templates or move some to another mode.',
  },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export const ALL_DIAGNOSTIC_CODES = Object.keys(DIAGNOSTIC_CODES).sort() as DiagnosticCode[];
