// Turns a policy's facts into probes: the attribute values (the literal, another value, a bound ±1, a member present or
// absent) and the entity uids that requests derived from the policy should try, each with the words a reviewer reads.
import type { CedarValueJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { type AttributeRef, entityOf, formatRef, formatValue, type PolicyFact } from './policy-facts.js';

/** How a probe changes one attribute of a request's context, principal or resource. */
export type AttributeChange =
  | { readonly kind: 'set'; readonly value: CedarValueJson }
  | { readonly kind: 'add'; readonly member: CedarValueJson }
  | { readonly kind: 'remove'; readonly member: CedarValueJson }
  | { readonly kind: 'absent' }
  /** Present with a value of the attribute's type: one the policy names, else a default (see attribute-values.ts). */
  | { readonly kind: 'present'; readonly value: CedarValueJson | 'default' };

export type Probe =
  | { readonly kind: 'attribute'; readonly target: AttributeRef; readonly change: AttributeChange; readonly detail: string }
  | {
      readonly kind: 'uid';
      readonly variable: 'principal' | 'resource';
      readonly relation: '==' | 'in';
      readonly uid: TypeAndId;
      readonly types: readonly string[] | 'any';
    };

/** The probes of a list of facts, in fact order, duplicates removed. */
export function probesOf(facts: readonly PolicyFact[]): Probe[] {
  const probes = facts.flatMap((fact) => probesOfFact(fact, facts));
  const seen = new Set<string>();
  return probes.filter((probe) => {
    const key = JSON.stringify(probe.kind === 'attribute' ? [probe.target, probe.change] : probe);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function probesOfFact(fact: PolicyFact, all: readonly PolicyFact[]): Probe[] {
  switch (fact.kind) {
    case 'uid':
      return [fact];
    case 'equals': {
      const ref = formatRef(fact.target);
      const other = otherValue(fact.value);
      return [
        set(fact.target, fact.value, `${ref} == ${formatValue(fact.value)}`),
        ...(other === undefined ? [] : [set(fact.target, other, `${ref} != ${formatValue(fact.value)} (${formatValue(other)})`)]),
      ];
    }
    case 'bound': {
      const ref = formatRef(fact.target);
      const bound = `${ref} ${fact.op} ${fact.bound}`;
      return [
        [fact.bound - 1, `bound ${bound}, -1`],
        [fact.bound, `bound ${bound}`],
        [fact.bound + 1, `bound ${bound}, +1`],
      ].flatMap(([value, why]) => (Number.isSafeInteger(value) ? [set(fact.target, value as number, `${ref} == ${value} (${why})`)] : []));
    }
    case 'member': {
      const ref = formatRef(fact.target);
      return [
        attribute(fact.target, { kind: 'add', member: fact.member }, `${ref} contains ${formatValue(fact.member)}`),
        attribute(fact.target, { kind: 'remove', member: fact.member }, `${ref} without ${formatValue(fact.member)}`),
      ];
    }
    case 'one-of': {
      const ref = formatRef(fact.target);
      return fact.choices.map((choice) =>
        set(fact.target, choice, `${ref} == ${formatValue(choice)} (one of ${formatValue([...fact.choices])})`),
      );
    }
    case 'like':
      return [set(fact.target, fact.matching, `${formatRef(fact.target)} == ${JSON.stringify(fact.matching)} (like "${fact.pattern}")`)];
    case 'has': {
      const words = `${fact.target.variable} has ${fact.target.attr}`;
      const named = all.find(
        (other): other is Extract<PolicyFact, { kind: 'equals' }> =>
          other.kind === 'equals' && other.target.variable === fact.target.variable && other.target.attr === fact.target.attr,
      );
      return [
        attribute(fact.target, { kind: 'present', value: named ? named.value : 'default' }, words),
        attribute(fact.target, { kind: 'absent' }, `!(${words})`),
      ];
    }
  }
}

/** A value of the literal's type that is not the literal; undefined where none is obvious (extension values, sets). */
export function otherValue(value: CedarValueJson): CedarValueJson | undefined {
  if (typeof value === 'string') return `${value}-other`;
  if (typeof value === 'number') return Number.isSafeInteger(value + 1) ? value + 1 : value - 1;
  if (typeof value === 'boolean') return !value;
  const uid = entityOf(value);
  return uid ? { __entity: { type: uid.type, id: `${uid.id}-other` } } : undefined;
}

function set(target: AttributeRef, value: CedarValueJson, detail: string): Probe {
  return attribute(target, { kind: 'set', value }, detail);
}

function attribute(target: AttributeRef, change: AttributeChange, detail: string): Probe {
  return { kind: 'attribute', target, change, detail };
}
