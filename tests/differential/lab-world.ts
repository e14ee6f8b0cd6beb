// Builders for schema-conforming entities and requests of the lab domain, shared by the engine tests and the generator.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { AuthorizationRequest } from '../../runtime/engine/decision.js';

export const lab = (type: string, id: string): TypeAndId => ({ type: `Lab::${type}`, id });
export const ref = (uid: TypeAndId): CedarValueJson => ({ __entity: uid });
export const ext = (fn: 'decimal' | 'ip' | 'datetime' | 'duration', arg: string): CedarValueJson => ({ __extn: { fn, arg } });

export const LEVELS = ['public', 'internal', 'secret'] as const;
export type Level = (typeof LEVELS)[number];
export const ACTIONS = ['read', 'list', 'write', 'delete', 'classify'] as const;
export type LabAction = (typeof ACTIONS)[number];

export function team(id: string, parents: readonly string[] = []): EntityJson {
  return { uid: lab('Team', id), attrs: {}, parents: parents.map((p) => lab('Team', p)) };
}

export interface UserFacts {
  readonly clearance?: number;
  readonly level?: Level;
  readonly office?: { readonly building: string; readonly floor?: number };
  readonly trusted?: readonly string[];
  readonly manager?: string;
  readonly teams?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}

export function user(id: string, facts: UserFacts = {}): EntityJson {
  return {
    uid: lab('User', id),
    attrs: {
      clearance: facts.clearance ?? 1,
      level: ref(lab('Level', facts.level ?? 'public')),
      office: facts.office ? { ...facts.office } : { building: 'south' },
      trusted: (facts.trusted ?? []).map((ip) => ext('ip', ip)),
      ...(facts.manager !== undefined ? { manager: ref(lab('User', facts.manager)) } : {}),
    },
    parents: (facts.teams ?? []).map((t) => lab('Team', t)),
    ...(facts.tags ? { tags: { ...facts.tags } } : {}),
  };
}

export interface DatasetFacts {
  readonly owner?: string;
  readonly level?: Level;
  readonly budget?: string;
  readonly created?: string;
  readonly retention?: string;
  readonly subnet?: string;
  readonly labels?: readonly string[];
  readonly meta?: { readonly source: string; readonly version: number };
  readonly teams?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}

export function dataset(id: string, facts: DatasetFacts = {}): EntityJson {
  return {
    uid: lab('Dataset', id),
    attrs: {
      owner: ref(lab('User', facts.owner ?? 'nobody')),
      level: ref(lab('Level', facts.level ?? 'public')),
      budget: ext('decimal', facts.budget ?? '100.0'),
      created: ext('datetime', facts.created ?? '2026-01-01T00:00:00Z'),
      retention: ext('duration', facts.retention ?? '30d'),
      subnet: ext('ip', facts.subnet ?? '10.0.0.0/8'),
      labels: [...(facts.labels ?? [])],
      meta: facts.meta ? { ...facts.meta } : { source: 'survey', version: 1 },
    },
    parents: (facts.teams ?? []).map((t) => lab('Team', t)),
    ...(facts.tags ? { tags: { ...facts.tags } } : {}),
  };
}

export interface ContextFacts {
  readonly ip?: string;
  readonly now?: string;
  readonly mfa?: boolean;
  readonly client?: { readonly app: string; readonly version: number };
  readonly amount?: string;
  readonly window?: string;
}

/** Only write and delete declare `amount` and `window`; the others must not carry them. */
export function context(action: LabAction, facts: ContextFacts = {}): Record<string, CedarValueJson> {
  const base: Record<string, CedarValueJson> = {
    ip: ext('ip', facts.ip ?? '10.1.2.3'),
    now: ext('datetime', facts.now ?? '2026-01-15T12:00:00Z'),
    mfa: facts.mfa ?? false,
    client: facts.client ? { ...facts.client } : { app: 'console', version: 2 },
  };
  if (action !== 'write' && action !== 'delete') return base;
  return {
    ...base,
    ...(facts.amount !== undefined ? { amount: ext('decimal', facts.amount) } : {}),
    ...(facts.window !== undefined ? { window: ext('duration', facts.window) } : {}),
  };
}

export function labRequest(
  principal: string,
  action: LabAction,
  resource: TypeAndId,
  entities: readonly EntityJson[],
  facts: ContextFacts = {},
): AuthorizationRequest {
  return { principal: lab('User', principal), action: lab('Action', action), resource, context: context(action, facts), entities };
}
