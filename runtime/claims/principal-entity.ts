// Maps verified claims to the Cedar principal entity the mode declares: id, typed attributes, group and tenant parents.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { ClaimAttributeConfig, ClaimsConfig } from '../config.js';
import { ClaimError } from '../errors.js';
import type { Claims } from '../token/verify-token.js';
import { encodedClaimToCedar, ValueTypeError } from './typed-value.js';
import { parseValueType, type ParsedValueType } from './value-type.js';

export interface Principal {
  readonly uid: TypeAndId;
  /** The principal followed by its group and tenant entities. */
  readonly entities: readonly EntityJson[];
  readonly groups: readonly string[];
  readonly tenantId?: string;
}

/** Own properties only: a claim named `constructor` or `__proto__` must never read an inherited value. */
export function ownClaim(claims: Claims, name: string): unknown {
  return Object.hasOwn(claims, name) ? claims[name] : undefined;
}

/** A mode's claim mapping with every value type parsed, once at init. */
export interface ClaimsMapping {
  readonly config: ClaimsConfig;
  readonly attributes: readonly { readonly mapping: ClaimAttributeConfig; readonly type: ParsedValueType }[];
}

/** Throws ValueTypeSpellingError when a type is misspelled: the authorizer then denies every request, saying why. */
export function compileClaims(config: ClaimsConfig): ClaimsMapping {
  return { config, attributes: config.attributes.map((mapping) => ({ mapping, type: parseValueType(mapping.type) })) };
}

export function principalFromClaims(claims: Claims, { config, attributes }: ClaimsMapping): Principal {
  const id = ownClaim(claims, config.principal.idClaim);
  if (typeof id !== 'string' || id === '') {
    throw new ClaimError(`claim ${config.principal.idClaim} (the principal id) is missing or not a non-empty string`);
  }

  const attrs: Record<string, CedarValueJson> = {};
  for (const { mapping, type } of attributes) {
    const value = ownClaim(claims, mapping.claim);
    if (value === undefined) {
      if (mapping.required) throw new ClaimError(`required claim ${mapping.claim} is missing`);
      continue;
    }
    try {
      attrs[mapping.attribute] = encodedClaimToCedar(value, type, mapping.encoding, mapping.delimiter);
    } catch (error) {
      if (error instanceof ValueTypeError) throw new ClaimError(`claim ${mapping.claim}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  const parents: TypeAndId[] = [];
  const related: EntityJson[] = [];
  const groups: string[] = [];
  if (config.groups) {
    const value = ownClaim(claims, config.groups.claim);
    if (value !== undefined) {
      if (!Array.isArray(value) || !value.every((g): g is string => typeof g === 'string')) {
        throw new ClaimError(`claim ${config.groups.claim} must be a list of group names`);
      }
      for (const group of [...new Set(value)].sort()) {
        groups.push(group);
        const uid = { type: config.groups.entityType, id: group };
        parents.push(uid);
        related.push({ uid, attrs: {}, parents: [] });
      }
    }
  }

  let tenantId: string | undefined;
  if (config.tenant) {
    const value = ownClaim(claims, config.tenant.claim);
    if (typeof value !== 'string' || value === '')
      throw new ClaimError(`tenant claim ${config.tenant.claim} is missing or not a non-empty string`);
    tenantId = value;
    const uid = { type: config.tenant.entityType, id: value };
    if (config.tenant.attribute) attrs[config.tenant.attribute] = { __entity: uid };
    if (config.tenant.asParent) parents.push(uid);
    related.push({ uid, attrs: {}, parents: [] });
  }

  const uid = { type: config.principal.entityType, id };
  return {
    uid,
    entities: [{ uid, attrs, parents }, ...related],
    groups,
    ...(tenantId !== undefined ? { tenantId } : {}),
  };
}
