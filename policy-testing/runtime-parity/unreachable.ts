// Why a suite case cannot be sent through a mode's real runtime path: a closed list of kinds, each with a title.

export const UNREACHABLE_KINDS = [
  'no-route',
  'resource-not-nameable',
  'principal-type',
  'principal-attribute',
  'principal-attribute-absent',
  'principal-parent',
  'tenant',
  'claim-value',
  'claim-conflict',
  'identity-source',
  'context-value',
  'template-link',
] as const;
export type UnreachableKind = (typeof UNREACHABLE_KINDS)[number];

/** What each kind means, as the coverage report and the parity summary print it. */
export const UNREACHABLE_TITLES: Readonly<Record<UnreachableKind, string>> = {
  'no-route': 'no route for this action and resource type',
  'resource-not-nameable': 'the route cannot name this resource',
  'principal-type': 'the principal is not of the type the mode’s tokens stand for',
  'principal-attribute': 'a principal attribute no claim or stored entity supplies',
  'principal-attribute-absent': 'the principal lacks an attribute a required claim always supplies',
  'principal-parent': 'a principal parent that is neither a group from the token nor supplied by the store',
  tenant: 'the principal’s tenant cannot be carried by the tenant claim',
  'claim-value': 'a principal attribute whose value its claim cannot carry',
  'claim-conflict': 'one claim would have to carry two different values',
  'identity-source': 'the identity source accepts no token for this principal',
  'context-value': 'a context value no route source supplies',
  'template-link': 'the suite links templates, and the mode has no source of template links',
};

export interface Unreachable {
  readonly kind: UnreachableKind;
  /** The case-specific reason, naming the attribute, claim, route or value concerned. */
  readonly reason: string;
}

export interface NotExpressed {
  readonly ok: false;
  readonly unreachable: Unreachable;
}

/** A value the mode can express, or why it cannot. */
export type Expressed<T> = { readonly ok: true; readonly value: T } | NotExpressed;

export function expressed<T>(value: T): Expressed<T> {
  return { ok: true, value };
}

export function unreachable(kind: UnreachableKind, reason: string): NotExpressed {
  return { ok: false, unreachable: { kind, reason } };
}

/** Counts by kind, with every kind present (zero when none), in the declared order. */
export function countByKind(items: readonly Unreachable[]): Record<UnreachableKind, number> {
  const counts = Object.fromEntries(UNREACHABLE_KINDS.map((kind) => [kind, 0])) as Record<UnreachableKind, number>;
  for (const item of items) counts[item.kind] += 1;
  return counts;
}
