// Our model of Cedar's types, shared by validation (claim and context checks) and rendering (TypeScript types).

export type CedarType =
  | { readonly kind: 'String' }
  | { readonly kind: 'Long' }
  | { readonly kind: 'Boolean' }
  | { readonly kind: 'Set'; readonly element: CedarType }
  | { readonly kind: 'Record'; readonly attributes: Readonly<Record<string, CedarAttribute>> }
  | { readonly kind: 'Entity'; readonly name: string }
  | { readonly kind: 'Extension'; readonly name: string };

export interface CedarAttribute {
  readonly type: CedarType;
  readonly required: boolean;
}

/** The spelling modes use: `String`, `Long`, `Boolean`, `Set<String>`, `Entity<Payments::Customer>`. */
export function cedarTypeToString(type: CedarType): string {
  switch (type.kind) {
    case 'Set':
      return `Set<${cedarTypeToString(type.element)}>`;
    case 'Entity':
      return `Entity<${type.name}>`;
    case 'Extension':
      return type.name;
    case 'Record':
      return `{ ${Object.entries(type.attributes)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, attribute]) => `${name}: ${cedarTypeToString(attribute.type)}`)
        .join(', ')} }`;
    default:
      return type.kind;
  }
}

/** Parses the type spelling of a mode file (already shape-checked by the mode schema). */
export function parseModeType(spelling: string): CedarType | undefined {
  if (spelling === 'String' || spelling === 'Long' || spelling === 'Boolean') return { kind: spelling };
  const set = /^Set<(.+)>$/.exec(spelling);
  if (set?.[1]) {
    const element = parseModeType(set[1]);
    return element ? { kind: 'Set', element } : undefined;
  }
  const entity = /^Entity<(.+)>$/.exec(spelling);
  if (entity?.[1]) return { kind: 'Entity', name: entity[1] };
  return undefined;
}
