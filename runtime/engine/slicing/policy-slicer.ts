// Chooses, per request, the slice of the policy set that may apply to it, and hands back that slice's preparsed set id.
//
// Why a slice decides exactly as the whole set does: Cedar evaluates a policy as `scope && when && !unless`, checking
// the principal, action and resource scope first, and a scope check cannot error (`==` and `is` compare, `in` looks
// up ancestors, and an unknown entity is simply not `in` anything). A policy whose scope the request does not satisfy
// is therefore never satisfied and never errors: it can neither determine the decision nor add an error, so leaving
// it out changes nothing. A slice keeps every policy whose scope the request may satisfy (it may keep more, never
// fewer), so its decision, determining policies and errors are those of the whole set.
// tests/runtime/engine/slicing/slicing-differential.test.ts checks that on random policies, links, entities and requests.
import { preparsePolicySet, type TemplateLink, type TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { EngineError } from '../../errors.js';
import type { TemplateLinkRecord } from '../decision.js';
import type { ActionHierarchy } from './action-hierarchy.js';
import { linkScope, slotsOf, staticScope, templateScope, type Scope, type Slot, type Target } from './policy-scope.js';
import { ancestryOf, type SliceRequest } from './request-ancestry.js';
import { ScopeIndex, type ScopedPolicy } from './scope-index.js';
import { SliceCache, type SliceCacheBounds } from './slice-cache.js';

export interface PolicySlicerOptions {
  /** The prefix of the registry ids of the slices: `<baseId>~<n>`. */
  readonly baseId: string;
  readonly staticPolicies: Readonly<Record<string, string>>;
  readonly templates: Readonly<Record<string, string>>;
  /** The schema's action groups, from `readActionHierarchy`. */
  readonly actions: ActionHierarchy;
  /** @default { entries: SLICE_CACHE_ENTRIES, bytes: SLICE_CACHE_BYTES } */
  readonly bounds?: SliceCacheBounds;
}

interface Template {
  readonly text: string;
  readonly scope: Scope<Target>;
  readonly slots: ReadonlySet<Slot>;
}

interface PolicyGroup {
  readonly index: ScopeIndex;
  readonly all: readonly ScopedPolicy[];
}

export class PolicySlicer {
  private readonly statics: PolicyGroup;
  private readonly templates: ReadonlyMap<string, Template>;
  /** Ids a link may not take: Cedar refuses a link whose id is a policy's or a template's. */
  private readonly takenIds: ReadonlySet<string>;
  /** Link sets already indexed, by identity: a caller that holds its links (a suite, a bench) indexes them once. */
  private readonly linkGroups = new WeakMap<readonly TemplateLinkRecord[], PolicyGroup>();
  private readonly cache: SliceCache;

  constructor(private readonly options: PolicySlicerOptions) {
    const known = options.actions.kind === 'known';
    const index = new ScopeIndex(known);
    const all = Object.entries(options.staticPolicies).map(([id, text]): ScopedPolicy => {
      const policy: ScopedPolicy = {
        scope: staticScope(id, text),
        sliceKey: JSON.stringify(['s', id]),
        bytes: text.length,
        part: { kind: 'static', id, text },
      };
      index.add(policy);
      return policy;
    });
    this.statics = { index, all };
    this.templates = new Map(
      Object.entries(options.templates).map(([id, text]) => {
        const scope = templateScope(id, text);
        return [id, { text, scope, slots: slotsOf(scope) }];
      }),
    );
    this.takenIds = new Set([...Object.keys(options.staticPolicies), ...Object.keys(options.templates)]);
    this.cache = new SliceCache(options.baseId, options.bounds);
  }

  /**
   * The registry id of the preparsed slice for this request with these links, preparsing it on first use. A link list
   * is indexed once per list object, so a caller must not change a list it has passed (the runtime's are fresh per
   * request, a suite's and a bench's are fixed).
   */
  policySetId(request: SliceRequest, links: readonly TemplateLinkRecord[]): string {
    const parts = this.sliceOf(request, links);
    let bytes = 0;
    for (const part of parts) bytes += part.bytes;
    return this.cache.idFor(parts.map((p) => p.sliceKey).join('\n'), bytes, (id) => preparseSlice(id, parts));
  }

  /** The ids of the policies and links in the request's slice, sorted: what `policySetId` evaluates. */
  policyIdsFor(request: SliceRequest, links: readonly TemplateLinkRecord[]): string[] {
    return this.sliceOf(request, links)
      .map(({ part }) => (part.kind === 'static' ? part.id : part.link.newId))
      .sort();
  }

  /** Slices held preparsed: a metric. */
  get size(): number {
    return this.cache.size;
  }

  /** The estimated bytes those slices hold (policy text and keys): a metric. */
  get bytes(): number {
    return this.cache.bytes;
  }

  /** The slice, ordered by slice key so that equal slices have equal cache keys. */
  private sliceOf(request: SliceRequest, links: readonly TemplateLinkRecord[]): ScopedPolicy[] {
    const linked = this.linkGroupOf(links);
    const ancestry = ancestryOf(request, this.options.actions);
    const chosen = new Set<ScopedPolicy>();
    if (ancestry === undefined) {
      for (const policy of [...this.statics.all, ...linked.all]) chosen.add(policy);
    } else {
      this.statics.index.collect(ancestry, chosen);
      linked.index.collect(ancestry, chosen);
    }
    return [...chosen].sort((a, b) => (a.sliceKey < b.sliceKey ? -1 : a.sliceKey > b.sliceKey ? 1 : 0));
  }

  private linkGroupOf(links: readonly TemplateLinkRecord[]): PolicyGroup {
    const known = this.linkGroups.get(links);
    if (known !== undefined) return known;
    const index = new ScopeIndex(this.options.actions.kind === 'known');
    const seen = new Set<string>();
    const all = links.map((record): ScopedPolicy => {
      const template = this.templates.get(record.templateId);
      if (!template) {
        throw new EngineError(`template link ${record.id} names template ${record.templateId}, which the bundle does not have`);
      }
      if (this.takenIds.has(record.id) || seen.has(record.id)) this.refuseLinks(links);
      seen.add(record.id);
      const policy = scopedLink(record, template);
      index.add(policy);
      return policy;
    });
    const group = { index, all };
    this.linkGroups.set(links, group);
    return group;
  }

  /** A link id is taken: Cedar's own message says how, as the whole set with these links would have failed. */
  private refuseLinks(links: readonly TemplateLinkRecord[]): void {
    const checkId = `${this.options.baseId}~link-check`;
    const parsed = preparsePolicySet(checkId, {
      staticPolicies: { ...this.options.staticPolicies },
      templates: { ...this.options.templates },
      templateLinks: links.map((record) => {
        const template = this.templates.get(record.templateId);
        return template ? cedarLink(record, template) : { templateId: record.templateId, newId: record.id, values: {} };
      }),
    });
    preparsePolicySet(checkId, {});
    const why = parsed.type === 'failure' ? parsed.errors.map((e) => e.message).join('; ') : 'a link id is used twice';
    throw new EngineError(`the template links do not parse with the bundle: ${why}`);
  }
}

function scopedLink(record: TemplateLinkRecord, template: Template): ScopedPolicy {
  const values = { '?principal': record.principal, '?resource': record.resource };
  return {
    scope: {
      principal: linkScope(template.scope.principal, values),
      action: template.scope.action,
      resource: linkScope(template.scope.resource, values),
    },
    sliceKey: JSON.stringify(['l', record.id, record.templateId, ...uidParts(record.principal), ...uidParts(record.resource)]),
    bytes: template.text.length + record.id.length,
    part: { kind: 'link', link: cedarLink(record, template), templateText: template.text },
  };
}

const uidParts = (uid: TypeAndId): [string, string] => [uid.type, uid.id];

/** Only the slots the template has: cedar-wasm refuses a value for a slot the template lacks. */
function cedarLink(record: TemplateLinkRecord, template: Template): TemplateLink {
  const values: TemplateLink['values'] = {};
  if (template.slots.has('?principal')) values['?principal'] = { type: record.principal.type, id: record.principal.id };
  if (template.slots.has('?resource')) values['?resource'] = { type: record.resource.type, id: record.resource.id };
  return { templateId: record.templateId, newId: record.id, values };
}

function preparseSlice(id: string, parts: readonly ScopedPolicy[]): void {
  const staticPolicies: Record<string, string> = {};
  const templates: Record<string, string> = {};
  const templateLinks: TemplateLink[] = [];
  for (const { part } of parts) {
    if (part.kind === 'static') staticPolicies[part.id] = part.text;
    else {
      templates[part.link.templateId] = part.templateText;
      templateLinks.push(part.link);
    }
  }
  const parsed = preparsePolicySet(id, { staticPolicies, templates, templateLinks });
  if (parsed.type === 'failure') {
    throw new EngineError(`a slice of the policy set does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  }
}
