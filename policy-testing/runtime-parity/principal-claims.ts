// Inverts a mode's claim mapping: the claims a token must carry for the runtime to build the suite's principal entity.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { parseValueType } from '../../runtime/claims/value-type.js';
import type { ModeConfig } from '../../runtime/config.js';
import { formatEntityUid } from '../entity-uid.js';
import { ClaimSet } from './claim-set.js';
import { claimSpelling } from './value-spelling.js';
import { expressed, unreachable, type Expressed } from './unreachable.js';

export interface PrincipalClaims {
  readonly claims: ClaimSet;
  /** The tenant the token names, for multi-tenant modes: the path's tenant and the policy store follow it. */
  readonly tenantId: string | undefined;
}

/**
 * `entity` is the principal as the suite holds it (undefined when the suite has no entity for it: a bare uid).
 * Attributes and parents no claim carries are fine only when the mode completes the token from the principal's
 * stored entity, which the seeded store then supplies.
 */
export function principalClaims(mode: ModeConfig, principal: TypeAndId, entity: EntityJson | undefined): Expressed<PrincipalClaims> {
  const { claims: mapping } = mode;
  const fromStore = mapping.principal.attributeSource.kind === 'token-and-store';
  const name = formatEntityUid(principal);
  if (principal.type !== mapping.principal.entityType) {
    return unreachable('principal-type', `${name} is not a ${mapping.principal.entityType}, the principal type of mode ${mode.name}`);
  }
  const attrs: Readonly<Record<string, CedarValueJson>> = entity?.attrs ?? {};
  const parents = (entity?.parents ?? []).map((parent) => ('__entity' in parent ? parent.__entity : parent));
  const claims = new ClaimSet();
  const conflict = claims.put(mapping.principal.idClaim, principal.id, 'the principal id');
  if (conflict) return conflict;

  const tenant = tenantOf(mode, name, attrs, parents);
  if (!tenant.ok) return tenant;
  const covered = new Set<string>(mapping.tenant?.attribute !== undefined ? [mapping.tenant.attribute] : []);
  for (const attribute of mapping.attributes) {
    covered.add(attribute.attribute);
    const value = Object.hasOwn(attrs, attribute.attribute) ? attrs[attribute.attribute] : undefined;
    if (value === undefined) {
      if (attribute.required) {
        return unreachable(
          'principal-attribute-absent',
          `${name} has no \`${attribute.attribute}\`, which the required claim \`${attribute.claim}\` always supplies`,
        );
      }
      continue;
    }
    const spelling = claimSpelling(value, parseValueType(attribute.type), {
      encoding: attribute.encoding,
      ...(attribute.delimiter !== undefined ? { delimiter: attribute.delimiter } : {}),
    });
    if (!spelling.ok) {
      // The stored entity can still supply a value the token cannot carry, unless the token must carry it.
      if (fromStore && !attribute.required) continue;
      return unreachable(
        'claim-value',
        `${name}'s \`${attribute.attribute}\` cannot travel in claim \`${attribute.claim}\` ` +
          `(${attribute.type}, ${attribute.encoding}): ${spelling.problem}`,
      );
    }
    const clash = claims.put(attribute.claim, spelling.value, `attribute \`${attribute.attribute}\``);
    if (clash) return clash;
  }
  const uncarried = Object.keys(attrs)
    .filter((key) => !covered.has(key))
    .sort();
  if (uncarried.length > 0 && !fromStore) {
    return unreachable(
      'principal-attribute',
      `${name}'s ${uncarried.map((key) => `\`${key}\``).join(', ')}: no claim of mode ${mode.name} carries it, ` +
        `and the mode does not read the principal's stored entity`,
    );
  }

  const groups: string[] = [];
  for (const parent of parents) {
    if (mapping.groups && parent.type === mapping.groups.entityType) groups.push(parent.id);
    else if (!(mapping.tenant?.asParent && parent.type === mapping.tenant.entityType) && !fromStore) {
      return unreachable(
        'principal-parent',
        `${name} is a member of ${formatEntityUid(parent)}: ` +
          `the token makes it a member of ${mapping.groups ? `${mapping.groups.entityType} groups` : 'no group'}` +
          `${mapping.tenant?.asParent ? ` and its ${mapping.tenant.entityType}` : ''} only, ` +
          `and the mode does not read the principal's stored entity`,
      );
    }
  }
  if (mapping.groups && groups.length > 0) {
    const clash = claims.put(mapping.groups.claim, [...new Set(groups)].sort(), 'the groups');
    if (clash) return clash;
  }
  if (mapping.tenant && tenant.value !== undefined) {
    const clash = claims.put(mapping.tenant.claim, tenant.value, 'the tenant');
    if (clash) return clash;
  }
  return expressed({ claims, tenantId: tenant.value });
}

/**
 * The tenant claim always sets both the tenant attribute and the tenant parent the mode declares, so a principal
 * with one and not the other, or with two tenants, cannot come from any token.
 */
function tenantOf(
  mode: ModeConfig,
  name: string,
  attrs: Readonly<Record<string, CedarValueJson>>,
  parents: readonly TypeAndId[],
): Expressed<string | undefined> {
  const tenant = mode.claims.tenant;
  if (!tenant) return expressed(undefined);
  const ids = new Set<string>();
  if (tenant.attribute !== undefined) {
    const value = Object.hasOwn(attrs, tenant.attribute) ? attrs[tenant.attribute] : undefined;
    if (value === undefined) {
      return unreachable(
        'principal-attribute-absent',
        `${name} has no \`${tenant.attribute}\`, which the tenant claim \`${tenant.claim}\` always supplies`,
      );
    }
    const id = entityIdOf(value, tenant.entityType);
    if (id === undefined)
      return unreachable('tenant', `${name}'s \`${tenant.attribute}\` is ${JSON.stringify(value)}, not a ${tenant.entityType}`);
    ids.add(id);
  }
  const memberships = parents.filter((parent) => parent.type === tenant.entityType).map((parent) => parent.id);
  if (tenant.asParent || tenant.attribute === undefined) {
    if (memberships.length === 0) {
      return unreachable(
        'tenant',
        `${name} is not a member of any ${tenant.entityType}, which the tenant claim \`${tenant.claim}\` always makes it`,
      );
    }
    for (const id of memberships) ids.add(id);
  }
  const [only, ...others] = [...ids].sort();
  if (only === undefined) return expressed(undefined);
  if (others.length > 0)
    return unreachable('tenant', `${name} belongs to the tenants ${[only, ...others].join(', ')}; the tenant claim names one`);
  return expressed(only);
}

function entityIdOf(value: CedarValueJson, entityType: string): string | undefined {
  const spelled = claimSpelling(value, { kind: 'Entity', name: entityType }, { encoding: 'json' });
  return spelled.ok && typeof spelled.value === 'string' ? spelled.value : undefined;
}
