// What a deploy will do to one policy store, as data: computed by store-plan, printed by `npm run plan`, applied by
// `npm run tenant -- sync`. Policies and templates are matched by @id (their AVP description) and compared by
// deploy identity (common/deploy-identity.ts).
import type { DeployedKind } from '../../common/deploy-identity.js';

/** A static policy or a template as a store holds it. Template-linked policies are tenant data and never listed here. */
export interface LiveItem {
  readonly kind: DeployedKind;
  /** AVP's own id: policyId or policyTemplateId. */
  readonly avpId: string;
  /** The @id, read from the AVP description; undefined when the description is not one (made by hand, not by a deploy). */
  readonly policyId: string | undefined;
  readonly statement: string;
}

export interface LiveStore {
  readonly policyStoreId: string;
  /** The schema's cedarJson text, or undefined when the store has none. */
  readonly schema: string | undefined;
  readonly items: readonly LiveItem[];
  /** How many template-linked policies each template has, by the template's AVP id (AVP deletes them with the template). */
  readonly linkedPolicies: ReadonlyMap<string, number>;
}

/** The repository's side: one mode's bundle. */
export interface DesiredStore {
  readonly schema: Readonly<Record<string, unknown>>;
  readonly policies: Readonly<Record<string, string>>;
  readonly templates: Readonly<Record<string, string>>;
}

export type FixedPart = 'effect' | 'principal' | 'resource';

export type ItemStep =
  | { readonly action: 'create'; readonly kind: DeployedKind; readonly policyId: string; readonly after: string }
  | { readonly action: 'unchanged'; readonly kind: DeployedKind; readonly policyId: string; readonly avpId: string }
  | {
      readonly action: 'update';
      readonly kind: DeployedKind;
      readonly policyId: string;
      readonly avpId: string;
      readonly before: string;
      readonly after: string;
    }
  | {
      /** Create the new one, then delete the old: AVP cannot update `changed`. */
      readonly action: 'replace';
      readonly kind: DeployedKind;
      readonly policyId: string;
      readonly avpId: string;
      readonly before: string;
      readonly after: string;
      readonly changed: readonly FixedPart[];
      /** Template-linked policies AVP deletes with the old template (0 for policies). */
      readonly linkedPolicies: number;
    }
  | {
      readonly action: 'delete';
      readonly kind: DeployedKind;
      /** undefined for an item no deploy made (its description is not an @id). */
      readonly policyId: string | undefined;
      readonly avpId: string;
      readonly before: string;
      readonly linkedPolicies: number;
    };

export type SchemaStep =
  | { readonly action: 'unchanged' }
  | { readonly action: 'put'; readonly before: string | undefined; readonly after: string };

export interface StorePlan {
  readonly policyStoreId: string;
  readonly schema: SchemaStep;
  /** Sorted by kind (templates first), then @id. */
  readonly steps: readonly ItemStep[];
}
