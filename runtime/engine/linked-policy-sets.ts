// Preparsed policy sets with template links, one per distinct link set, in a small LRU whose registry ids are reused.
import { createHash } from 'node:crypto';
import {
  preparsePolicySet,
  templateToJson,
  type PrincipalConstraint,
  type ResourceConstraint,
  type TemplateLink,
} from '@cedar-policy/cedar-wasm/nodejs';
import { EngineError } from '../errors.js';
import type { TemplateLinkRecord } from './decision.js';

/** Distinct link sets kept preparsed at once; a Lambda serves few principals between two cold starts. */
export const LINKED_SETS_CAPACITY = 32;

export interface LinkedPolicySetsOptions {
  /** The registry id of the set without links; linked sets are `<baseId>~<slot>`. */
  readonly baseId: string;
  readonly staticPolicies: Readonly<Record<string, string>>;
  readonly templates: Readonly<Record<string, string>>;
  /** @default LINKED_SETS_CAPACITY */
  readonly capacity?: number;
}

interface Slots {
  readonly principal: boolean;
  readonly resource: boolean;
}

/**
 * cedar-wasm's registry is process-wide and has no removal: an evicted link set hands its registry id to the next
 * one, so memory stays bounded by `capacity` however many distinct link sets the process meets.
 */
export class LinkedPolicySets {
  private readonly slotsByTemplate: ReadonlyMap<string, Slots>;
  /** Link-set hash → registry id, least recently used first (Map keeps insertion order). */
  private readonly byHash = new Map<string, string>();
  private readonly capacity: number;
  private nextSlot = 0;

  constructor(private readonly options: LinkedPolicySetsOptions) {
    this.capacity = Math.max(1, options.capacity ?? LINKED_SETS_CAPACITY);
    this.slotsByTemplate = new Map(Object.entries(options.templates).map(([id, text]) => [id, slotsOf(id, text)]));
  }

  /** The registry id of the bundle's policies with exactly these links, preparsing them on first use. */
  policySetId(links: readonly TemplateLinkRecord[]): string {
    const hash = hashOf(links);
    const cached = this.byHash.get(hash);
    if (cached !== undefined) {
      this.byHash.delete(hash);
      this.byHash.set(hash, cached);
      return cached;
    }
    const id = this.takeRegistryId();
    const parsed = preparsePolicySet(id, {
      staticPolicies: { ...this.options.staticPolicies },
      templates: { ...this.options.templates },
      templateLinks: links.map((link) => this.toTemplateLink(link)),
    });
    if (parsed.type === 'failure') {
      throw new EngineError(`the template links do not parse with the bundle: ${parsed.errors.map((e) => e.message).join('; ')}`);
    }
    this.byHash.set(hash, id);
    return id;
  }

  get size(): number {
    return this.byHash.size;
  }

  private takeRegistryId(): string {
    if (this.byHash.size < this.capacity) return `${this.options.baseId}~${this.nextSlot++}`;
    const oldest = this.byHash.entries().next();
    if (oldest.done) return `${this.options.baseId}~${this.nextSlot++}`;
    const [hash, id] = oldest.value;
    this.byHash.delete(hash);
    return id;
  }

  /** Only the slots the template has: cedar-wasm refuses a value for a slot the template lacks. */
  private toTemplateLink(link: TemplateLinkRecord): TemplateLink {
    const slots = this.slotsByTemplate.get(link.templateId);
    if (!slots) throw new EngineError(`template link ${link.id} names template ${link.templateId}, which the bundle does not have`);
    const values: TemplateLink['values'] = {};
    if (slots.principal) values['?principal'] = { type: link.principal.type, id: link.principal.id };
    if (slots.resource) values['?resource'] = { type: link.resource.type, id: link.resource.id };
    return { templateId: link.templateId, newId: link.id, values };
  }
}

/** The same links in any order are one set. */
function hashOf(links: readonly TemplateLinkRecord[]): string {
  const canonical = links
    .map((l) => [l.id, l.templateId, l.principal.type, l.principal.id, l.resource.type, l.resource.id])
    .sort((a, b) => (a[0] === b[0] ? 0 : (a[0] ?? '') < (b[0] ?? '') ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

function slotsOf(id: string, text: string): Slots {
  const json = templateToJson(text);
  if (json.type === 'failure') throw new EngineError(`template ${id} does not parse: ${json.errors.map((e) => e.message).join('; ')}`);
  return { principal: hasSlot(json.json.principal), resource: hasSlot(json.json.resource) };
}

/** `== ?slot`, `in ?slot` and `is T in ?slot` name the slot. */
function hasSlot(constraint: PrincipalConstraint | ResourceConstraint): boolean {
  const target = constraint.op === '==' || constraint.op === 'in' ? constraint : constraint.op === 'is' ? constraint.in : undefined;
  return target !== undefined && 'slot' in target;
}
