// Renders the store's static policies and templates as Cedar files, one per policy, each with its @id and `///` comment.
import { policyToJson, templateToJson, type EntityUidJson, type PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import { formatCedarFile } from '../../policy-testing/format.js';
import { UnsupportedStoreError } from './errors.js';
import { importHeader } from './import-header.js';
import { derivedPolicyId, isPolicyId, kebabCase, uniqueIds, type IdScope } from './policy-id.js';
import type { StoredStatement } from './read-store.js';
import type { RenderedFile } from './rendered-file.js';

/** The folder under policies/ the import owns; a mode selects the imported policies with `policies: [imported]`. */
export const IMPORTED_DIR = 'policies/imported';
export const TEMPLATES_DIR = `${IMPORTED_DIR}/templates`;

/** Written where a policy has no description, so the file validates and a reader sees at once what is missing. */
export const UNDOCUMENTED_COMMENT = '/// Undocumented in the policy store (no description): say here why this policy exists.';

export type PolicyKind = 'policy' | 'template';

export interface RenderedPolicy extends RenderedFile {
  readonly kind: PolicyKind;
  readonly storeId: string;
  readonly id: string;
  /** Where the @id came from. */
  readonly idFrom: 'statement' | 'description' | 'derived';
  /** False when the store gave no description to write as the `///` comment: a person should write one. */
  readonly documented: boolean;
}

interface Candidate {
  readonly kind: PolicyKind;
  readonly item: StoredStatement;
  readonly storeId: string;
  readonly preferredId: string;
  readonly idFrom: RenderedPolicy['idFrom'];
  /** The statement's own @id annotation, if it has one. */
  readonly ownId: string | undefined;
  readonly doc: string | undefined;
}

export function renderPolicies(input: {
  readonly policyStoreId: string;
  readonly policies: readonly StoredStatement[];
  readonly templates: readonly StoredStatement[];
}): RenderedPolicy[] {
  const candidates = [
    ...input.policies.map((item) => candidate('policy', item, input.policyStoreId)),
    ...input.templates.map((item) => candidate('template', item, input.policyStoreId)),
  ];
  // Policies and templates share one @id space: validate and the CDK stack refuse an id used twice.
  const ids = uniqueIds(candidates);
  const usedStems = new Set<string>();
  return candidates
    .map((entry) => {
      const id = ids.get(entry) ?? entry.preferredId;
      const dir = entry.kind === 'policy' ? IMPORTED_DIR : TEMPLATES_DIR;
      const path = `${dir}/${fileStem(id, usedStems)}.cedar`;
      const text = [
        importHeader(input.policyStoreId, { kind: entry.kind, storeId: entry.storeId }),
        ...(entry.doc === undefined ? [UNDOCUMENTED_COMMENT] : entry.doc.split('\n').map((line) => `/// ${line.trim()}`.trimEnd())),
        withId(entry.item.statement, entry.ownId, id),
      ].join('\n');
      const formatted = formatCedarFile({ path, text });
      if ('diagnostics' in formatted) {
        throw new UnsupportedStoreError(
          `${entry.kind} ${entry.storeId} of policy store ${input.policyStoreId} cannot be formatted: ` +
            formatted.diagnostics.map((d) => d.message).join('; '),
        );
      }
      return {
        path,
        contents: formatted.formatted,
        kind: entry.kind,
        storeId: entry.storeId,
        id,
        idFrom: entry.idFrom,
        documented: entry.doc !== undefined,
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function candidate(kind: PolicyKind, item: StoredStatement, policyStoreId: string): Candidate {
  const json = kind === 'policy' ? policyToJson(item.statement) : templateToJson(item.statement);
  if (json.type === 'failure') {
    throw new UnsupportedStoreError(
      `${kind} ${item.storeId} of policy store ${policyStoreId} does not parse: ${json.errors.map((e) => e.message).join('; ')}`,
    );
  }
  const ownId = json.json.annotations?.['id'];
  const description = item.description?.trim() || undefined;
  // A description shaped like an id names the policy; any other description says why it exists.
  const describedId = description !== undefined && isPolicyId(description) ? description : undefined;
  const doc = description !== undefined && describedId === undefined ? description : undefined;
  const [preferredId, idFrom] =
    ownId !== undefined
      ? ([ownId, 'statement'] as const)
      : describedId !== undefined
        ? ([describedId, 'description'] as const)
        : ([derivedPolicyId(idScope(json.json), item.statement), 'derived'] as const);
  return { kind, item, storeId: item.storeId, preferredId, idFrom, ownId, doc };
}

function idScope(policy: PolicyJson): IdScope {
  const { action } = policy;
  const entities: EntityUidJson[] =
    action.op === 'All' ? [] : 'entities' in action ? action.entities : 'entity' in action ? [action.entity] : [];
  return { effect: policy.effect, actionIds: entities.map((uid) => ('__entity' in uid ? uid.__entity.id : uid.id)) };
}

/** Adds `@id` in front of the statement, or renames the statement's own @id when another policy took it first. */
function withId(statement: string, ownId: string | undefined, id: string): string {
  const trimmed = statement.trim();
  if (ownId === undefined) return `@id(${JSON.stringify(id)})\n${trimmed}`;
  if (ownId === id) return trimmed;
  return trimmed.replace(/@id\s*\(\s*"(?:[^"\\]|\\.)*"\s*\)/, () => `@id(${JSON.stringify(id)})`);
}

/**
 * The id itself when it is a plain id, otherwise a file-safe form of it. Two ids that would share a file get `-2`,
 * `-3`, … in the order the policies come in (sorted by store id), so the names are stable from run to run.
 */
function fileStem(id: string, used: Set<string>): string {
  const base = isPolicyId(id) ? id : kebabCase(id).slice(0, 60) || 'policy';
  let stem = base;
  for (let n = 2; used.has(stem); n++) stem = `${base}-${n}`;
  used.add(stem);
  return stem;
}
