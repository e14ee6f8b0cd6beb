// Which @id an imported policy or template gets: its own, its description when that is an id, or one derived from it.
import { createHash } from 'node:crypto';

/**
 * The shape of the @ids this project writes (`customer.read-own`, `shared.forbid-self-approval`): dot-separated
 * groups of lower-case words joined by `-`. They name CloudFormation resources and test expectations, so they stay
 * short and plain.
 */
export const POLICY_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*$/;
export const POLICY_ID_MAX_LENGTH = 100;

export function isPolicyId(text: string): boolean {
  return text.length <= POLICY_ID_MAX_LENGTH && POLICY_ID_PATTERN.test(text);
}

/** The scope facts a derived id is made of: cedar-wasm's JSON form of the policy's effect and action. */
export interface IdScope {
  readonly effect: 'permit' | 'forbid';
  /** The action ids the scope names: one for `==`, several for `in [...]`, none for any action. */
  readonly actionIds: readonly string[];
}

/**
 * `permit-view-photo-1a2b3c`: the effect, the action (or `any-action`, `actions`) and a hash of the statement. It
 * depends on the statement alone, never on the store's policy ids or their order, so every run derives the same id.
 */
export function derivedPolicyId(scope: IdScope, statement: string): string {
  const [onlyAction] = scope.actionIds;
  const action =
    scope.actionIds.length === 0
      ? 'any-action'
      : scope.actionIds.length === 1 && onlyAction !== undefined
        ? kebabCase(onlyAction)
        : 'actions';
  const digest = createHash('sha256').update(statement.trim()).digest('hex').slice(0, 6);
  return [scope.effect, action.slice(0, 60) || 'action', digest].join('-').replace(/-+/g, '-');
}

/** `PhotoFlash` → `photo-flash`, `Acme::HTTPServer` → `acme-http-server`, `view_photo` → `view-photo`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Gives each candidate a unique id: the first by store id keeps its preferred id, the others get `-2`, `-3`, … in
 * store-id order. Unique preferred ids (the normal case) come back unchanged.
 */
export function uniqueIds<T extends { readonly storeId: string; readonly preferredId: string }>(candidates: readonly T[]): Map<T, string> {
  const taken = new Set<string>();
  const result = new Map<T, string>();
  const byPreference = [...candidates].sort((a, b) => compare(a.preferredId, b.preferredId) || compare(a.storeId, b.storeId));
  // First pass: every preferred id that is free goes to the lowest store id asking for it.
  const losers: T[] = [];
  for (const candidate of byPreference) {
    if (taken.has(candidate.preferredId)) losers.push(candidate);
    else {
      taken.add(candidate.preferredId);
      result.set(candidate, candidate.preferredId);
    }
  }
  for (const candidate of losers) {
    let n = 2;
    while (taken.has(`${candidate.preferredId}-${n}`)) n++;
    const id = `${candidate.preferredId}-${n}`;
    taken.add(id);
    result.set(candidate, id);
  }
  return result;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
