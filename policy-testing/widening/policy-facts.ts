// Reads a policy's Cedar JSON (est) and lists what a request must vary to cross its conditions: the literals compared
// with context or entity attributes, numeric bounds, set members, the entity uids of its scopes and conditions, `has`.
import type { CedarValueJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';

/** The request variable whose attribute a condition reads. */
export type Variable = 'principal' | 'resource' | 'context';

/** `context.currency`: an attribute read directly off a request variable (deeper paths are not followed). */
export interface AttributeRef {
  readonly variable: Variable;
  readonly attr: string;
}

export type PolicyFact =
  /** `t == lit`, `t != lit`: the literal, and a value other than it. */
  | { readonly kind: 'equals'; readonly target: AttributeRef; readonly value: CedarValueJson }
  /** `t < n`, `n <= t`, …: the bound and its neighbours. `op` is read as `t op bound`. */
  | { readonly kind: 'bound'; readonly target: AttributeRef; readonly op: '<' | '<=' | '>' | '>='; readonly bound: number }
  /** `t.contains(m)`, `t.containsAll([..])`, `t.containsAny([..])`: each member present and absent. */
  | { readonly kind: 'member'; readonly target: AttributeRef; readonly member: CedarValueJson }
  /** `[a, b].contains(t)`, `t in [E1, E2]` on an attribute: each choice. */
  | { readonly kind: 'one-of'; readonly target: AttributeRef; readonly choices: readonly CedarValueJson[] }
  /** `t like "a*"`: a string that matches. */
  | { readonly kind: 'like'; readonly target: AttributeRef; readonly matching: string; readonly pattern: string }
  /** `t has a`: present and absent, when the schema makes the attribute optional. */
  | { readonly kind: 'has'; readonly target: AttributeRef }
  /** `principal == E`, `principal in E`, in the scope or a condition; `types` narrows the scope's `is T in E`. */
  | {
      readonly kind: 'uid';
      readonly variable: 'principal' | 'resource';
      readonly relation: '==' | 'in';
      readonly uid: TypeAndId;
      readonly types: readonly string[] | 'any';
    };

/** The action scope: every action, or the listed ones (`==` one action, `in` actions or action groups). */
export type ActionScope = { readonly kind: 'all' } | { readonly kind: 'listed'; readonly uids: readonly TypeAndId[] };

export interface PolicyFacts {
  readonly effect: 'permit' | 'forbid';
  readonly actions: ActionScope;
  /** In the order the policy states them, duplicates removed. */
  readonly facts: readonly PolicyFact[];
}

/** The values of a template's slots, from one of its links. */
export interface SlotValues {
  readonly principal: TypeAndId;
  readonly resource: TypeAndId;
}

/** The facts of a policy's est; undefined for a form that is not a policy (an unparsed text). */
export function readPolicyFacts(est: unknown, slots?: SlotValues): PolicyFacts | undefined {
  if (!isRecord(est) || (est['effect'] !== 'permit' && est['effect'] !== 'forbid')) return undefined;
  const facts: PolicyFact[] = [];
  scopeFacts('principal', est['principal'], slots?.principal, facts);
  scopeFacts('resource', est['resource'], slots?.resource, facts);
  const conditions = Array.isArray(est['conditions']) ? est['conditions'] : [];
  for (const condition of conditions) if (isRecord(condition)) walk(condition['body'], facts);
  return { effect: est['effect'], actions: actionScope(est['action']), facts: unique(facts) };
}

/** How a fact reads in a report: `context.currency == "CHF"`. */
export function formatRef(target: AttributeRef): string {
  return `${target.variable}.${target.attr}`;
}

/** A Cedar value as policies write it: `"CHF"`, `5`, `Ns::Group::"writers"`, `["a", "b"]`, `decimal("1.5")`. */
export function formatValue(value: CedarValueJson): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entity = entityOf(value);
    if (entity) return formatUid(entity);
    const extension: unknown = '__extn' in value ? value['__extn'] : undefined;
    if (isRecord(extension)) return `${String(extension['fn'])}(${JSON.stringify(extension['arg'])})`;
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}: ${formatValue(item as CedarValueJson)}`)
      .join(', ')}}`;
  }
  return String(value);
}

export function formatUid(uid: TypeAndId): string {
  return `${uid.type}::${JSON.stringify(uid.id)}`;
}

function scopeFacts(variable: 'principal' | 'resource', scope: unknown, slot: TypeAndId | undefined, facts: PolicyFact[]): void {
  if (!isRecord(scope)) return;
  const op = scope['op'];
  const uid = (holder: unknown): TypeAndId | undefined =>
    isRecord(holder) ? (asUid(holder['entity']) ?? (holder['slot'] !== undefined ? slot : undefined)) : undefined;
  if (op === '==' || op === 'in') {
    const named = uid(scope);
    if (named) facts.push({ kind: 'uid', variable, relation: op, uid: named, types: 'any' });
  } else if (op === 'is' && typeof scope['entity_type'] === 'string') {
    const named = uid(scope['in']);
    if (named) facts.push({ kind: 'uid', variable, relation: 'in', uid: named, types: [scope['entity_type']] });
  }
}

function actionScope(scope: unknown): ActionScope {
  if (!isRecord(scope) || scope['op'] === 'All') return { kind: 'all' };
  const listed = Array.isArray(scope['entities']) ? scope['entities'] : [scope['entity']];
  return { kind: 'listed', uids: listed.flatMap((item) => asUid(item) ?? []) };
}

const COMPARISONS = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;
type Comparison = keyof typeof COMPARISONS;

/** Every sub-expression is visited, so a fact under `!`, `||`, `if` or an `unless` is found as well as one under `&&`. */
function walk(node: unknown, facts: PolicyFact[]): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, facts);
    return;
  }
  if (!isRecord(node)) return;
  for (const [op, body] of Object.entries(node)) {
    if (op === 'Value') continue;
    if (isRecord(body)) binaryFacts(op, body, facts);
    walk(body, facts);
  }
}

function binaryFacts(op: string, body: Record<string, unknown>, facts: PolicyFact[]): void {
  const left = body['left'];
  const right = body['right'];
  if (op === '==' || op === '!=') {
    for (const [a, b] of [
      [left, right],
      [right, left],
    ]) {
      const target = attributeRef(a);
      const value = literal(b);
      if (target && value !== undefined) facts.push({ kind: 'equals', target, value });
      const variable = scopeVariable(a);
      const uid = value !== undefined ? entityOf(value) : undefined;
      if (op === '==' && variable && uid) facts.push({ kind: 'uid', variable, relation: '==', uid, types: 'any' });
    }
  } else if (op in COMPARISONS) {
    const comparison = op as Comparison;
    const [leftRef, rightRef] = [attributeRef(left), attributeRef(right)];
    const [leftValue, rightValue] = [literal(left), literal(right)];
    if (leftRef && typeof rightValue === 'number') facts.push({ kind: 'bound', target: leftRef, op: comparison, bound: rightValue });
    if (rightRef && typeof leftValue === 'number')
      facts.push({ kind: 'bound', target: rightRef, op: COMPARISONS[comparison], bound: leftValue });
  } else if (op === 'contains') {
    const target = attributeRef(left);
    const member = literal(right);
    if (target && member !== undefined) facts.push({ kind: 'member', target, member });
    const choices = literal(left);
    const chosen = attributeRef(right);
    if (chosen && Array.isArray(choices)) facts.push({ kind: 'one-of', target: chosen, choices });
  } else if (op === 'containsAll' || op === 'containsAny') {
    const target = attributeRef(left);
    const members = literal(right);
    if (target && Array.isArray(members)) for (const member of members) facts.push({ kind: 'member', target, member });
  } else if (op === 'in') {
    const value = literal(right);
    const uids = (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((item) => entityOf(item) ?? []);
    const variable = scopeVariable(left);
    if (variable) for (const uid of uids) facts.push({ kind: 'uid', variable, relation: 'in', uid, types: 'any' });
    const target = attributeRef(left);
    if (target && uids.length > 0) facts.push({ kind: 'one-of', target, choices: uids.map((uid) => ({ __entity: uid })) });
  } else if (op === 'like') {
    const target = attributeRef(left);
    const pattern = body['pattern'];
    if (target && Array.isArray(pattern)) {
      const parts = pattern.map((part: unknown) => (isRecord(part) && typeof part['Literal'] === 'string' ? part['Literal'] : '*'));
      facts.push({ kind: 'like', target, matching: parts.filter((part) => part !== '*').join(''), pattern: parts.join('') });
    }
  } else if (op === 'has') {
    const variable = variableOf(left);
    if (variable && typeof body['attr'] === 'string') facts.push({ kind: 'has', target: { variable, attr: body['attr'] } });
  }
}

function attributeRef(node: unknown): AttributeRef | undefined {
  if (!isRecord(node)) return undefined;
  const access = node['.'];
  if (!isRecord(access) || typeof access['attr'] !== 'string') return undefined;
  const variable = variableOf(access['left']);
  return variable ? { variable, attr: access['attr'] } : undefined;
}

function variableOf(node: unknown): Variable | undefined {
  const name = isRecord(node) ? node['Var'] : undefined;
  return name === 'principal' || name === 'resource' || name === 'context' ? name : undefined;
}

function scopeVariable(node: unknown): 'principal' | 'resource' | undefined {
  const variable = variableOf(node);
  return variable === 'context' ? undefined : variable;
}

/** A literal: a `Value`, a set of literals, or an extension constructor applied to a string (`decimal("1.5")`). */
function literal(node: unknown): CedarValueJson | undefined {
  if (!isRecord(node)) return undefined;
  if ('Value' in node) return node['Value'] as CedarValueJson;
  const set = node['Set'];
  if (Array.isArray(set)) {
    const items = set.map(literal);
    return items.every((item) => item !== undefined) ? (items as CedarValueJson[]) : undefined;
  }
  const entries = Object.entries(node);
  const [first] = entries;
  if (entries.length === 1 && first && ['decimal', 'ip', 'datetime', 'duration'].includes(first[0]) && Array.isArray(first[1])) {
    const [argument] = first[1];
    const text = literal(argument);
    if (typeof text === 'string') return { __extn: { fn: first[0], arg: text } };
  }
  return undefined;
}

export function entityOf(value: unknown): TypeAndId | undefined {
  return isRecord(value) ? asUid(value['__entity']) : undefined;
}

function asUid(value: unknown): TypeAndId | undefined {
  return isRecord(value) && typeof value['type'] === 'string' && typeof value['id'] === 'string'
    ? { type: value['type'], id: value['id'] }
    : undefined;
}

function unique(facts: readonly PolicyFact[]): PolicyFact[] {
  const seen = new Set<string>();
  return facts.filter((fact) => {
    const key = JSON.stringify(fact);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
