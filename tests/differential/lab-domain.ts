// The differential tests' own domain, a research lab (not billing): group → group hierarchies, tags, the four
// extension types, records, sets, an enum entity type, action groups, templates, and policies that can error.
import type { ApplySpec, SchemaJson, Type } from '@cedar-policy/cedar-wasm/nodejs';
import type { PolicyBundle } from '../../runtime/config.js';

const ipaddr = { type: 'Extension', name: 'ipaddr' } satisfies Type<string>;
const entity = (name: string) => ({ type: 'Entity', name }) satisfies Type<string>;

const ACCESS_CONTEXT = {
  type: 'Record',
  attributes: {
    ip: ipaddr,
    now: { type: 'Extension', name: 'datetime' },
    mfa: { type: 'Boolean' },
    client: { type: 'Client' },
  },
} satisfies Type<string>;

const CHANGE_CONTEXT = {
  type: 'Record',
  attributes: {
    ...ACCESS_CONTEXT.attributes,
    amount: { type: 'Extension', name: 'decimal', required: false },
    window: { type: 'Extension', name: 'duration', required: false },
  },
} satisfies Type<string>;

const ON_DATASETS = (context: Type<string>): ApplySpec<string> => ({ principalTypes: ['User'], resourceTypes: ['Dataset'], context });

export const LAB_SCHEMA = {
  Lab: {
    commonTypes: {
      Client: { type: 'Record', attributes: { app: { type: 'String' }, version: { type: 'Long' } } },
      Office: { type: 'Record', attributes: { building: { type: 'String' }, floor: { type: 'Long', required: false } } },
    },
    entityTypes: {
      Team: { memberOfTypes: ['Team'] },
      Level: { enum: ['public', 'internal', 'secret'] },
      User: {
        memberOfTypes: ['Team'],
        shape: {
          type: 'Record',
          attributes: {
            clearance: { type: 'Long' },
            level: entity('Level'),
            office: { type: 'Office' },
            trusted: { type: 'Set', element: ipaddr },
            manager: { ...entity('User'), required: false },
          },
        },
        tags: { type: 'String' },
      },
      Dataset: {
        memberOfTypes: ['Team'],
        shape: {
          type: 'Record',
          attributes: {
            owner: entity('User'),
            level: entity('Level'),
            budget: { type: 'Extension', name: 'decimal' },
            created: { type: 'Extension', name: 'datetime' },
            retention: { type: 'Extension', name: 'duration' },
            subnet: ipaddr,
            labels: { type: 'Set', element: { type: 'String' } },
            meta: { type: 'Record', attributes: { source: { type: 'String' }, version: { type: 'Long' } } },
          },
        },
        tags: { type: 'String' },
      },
    },
    actions: {
      all: {},
      readers: { memberOf: [{ id: 'all' }] },
      writers: { memberOf: [{ id: 'all' }] },
      read: { memberOf: [{ id: 'readers' }], appliesTo: ON_DATASETS(ACCESS_CONTEXT) },
      list: { memberOf: [{ id: 'readers' }], appliesTo: ON_DATASETS(ACCESS_CONTEXT) },
      write: { memberOf: [{ id: 'writers' }], appliesTo: ON_DATASETS(CHANGE_CONTEXT) },
      delete: { memberOf: [{ id: 'writers' }], appliesTo: ON_DATASETS(CHANGE_CONTEXT) },
      classify: { memberOf: [{ id: 'all' }], appliesTo: { principalTypes: ['User'], resourceTypes: ['Level'], context: ACCESS_CONTEXT } },
    },
  },
} satisfies SchemaJson<string>;

export const LAB_POLICIES: Readonly<Record<string, string>> = {
  'lab.team-read': `@id("lab.team-read")
permit (principal in Lab::Team::"research", action in Lab::Action::"readers", resource in Lab::Team::"research")
when { resource.level != Lab::Level::"secret" };`,
  'lab.owner-write': `@id("lab.owner-write")
permit (principal, action in Lab::Action::"writers", resource)
when { resource.owner == principal && context.mfa };`,
  'lab.tag-share': `@id("lab.tag-share")
permit (principal, action == Lab::Action::"read", resource)
when { resource.hasTag("project") && principal.hasTag("project") && resource.getTag("project") == principal.getTag("project") };`,
  'lab.open-label': `@id("lab.open-label")
permit (principal, action == Lab::Action::"list", resource)
when { resource.labels.contains("open") && principal.office.building == "north" };`,
  'lab.retention-read': `@id("lab.retention-read")
permit (principal, action == Lab::Action::"read", resource)
when { principal.clearance >= 2 && context.now < resource.created.offset(resource.retention) };`,
  'lab.trusted-list': `@id("lab.trusted-list")
permit (principal, action == Lab::Action::"list", resource)
when { principal.trusted.contains(context.ip) && context.client.app == "console" };`,
  'lab.meta-read': `@id("lab.meta-read")
permit (principal, action == Lab::Action::"read", resource)
when { principal.level == resource.level && resource.meta.version >= context.client.version };`,
  'lab.manager-read': `@id("lab.manager-read")
permit (principal, action in Lab::Action::"readers", resource)
when { resource.owner has manager && resource.owner.manager == principal };`,
  'lab.classify': `@id("lab.classify")
permit (principal, action == Lab::Action::"classify", resource)
when { principal.clearance >= 3 && resource != Lab::Level::"secret" };`,
  'lab.forbid-secret-offsite': `@id("lab.forbid-secret-offsite")
forbid (principal, action in [Lab::Action::"readers", Lab::Action::"writers"], resource)
when { resource.level == Lab::Level::"secret" && !context.ip.isInRange(resource.subnet) };`,
  'lab.forbid-over-budget': `@id("lab.forbid-over-budget")
forbid (principal, action == Lab::Action::"write", resource)
when { context has amount && context.amount.greaterThan(resource.budget) };`,
  'lab.forbid-long-window': `@id("lab.forbid-long-window")
forbid (principal, action == Lab::Action::"delete", resource)
when { context has window && context.window > duration("1h") };`,
  // Errors on purpose: the owner may be missing from the entities, and doubling a huge clearance overflows.
  'lab.forbid-owner-outranked': `@id("lab.forbid-owner-outranked")
forbid (principal, action in Lab::Action::"writers", resource)
when { principal.clearance * 2 < resource.owner.clearance };`,
};

export const LAB_TEMPLATES: Readonly<Record<string, string>> = {
  'lab.delegate-read': `@id("lab.delegate-read")
permit (principal == ?principal, action in Lab::Action::"readers", resource in ?resource);`,
  // Only ?resource: a link's principal is not used.
  'lab.audit-read': `@id("lab.audit-read")
permit (principal in Lab::Team::"audit", action == Lab::Action::"read", resource in ?resource);`,
  'lab.grant-write': `@id("lab.grant-write")
permit (principal in ?principal, action == Lab::Action::"write", resource == ?resource)
when { context.mfa };`,
};

export const LAB_BUNDLE: PolicyBundle = {
  mode: 'lab',
  namespace: 'Lab',
  schema: LAB_SCHEMA,
  policies: LAB_POLICIES,
  templates: LAB_TEMPLATES,
};
