// What `npm run import` prints: every file with what happened to it, the links left in the store, the policies to document.
import type { EntityIdentifier } from '@aws-sdk/client-verifiedpermissions';
import type { ImportResult } from './import-store.js';
import type { FileStatus } from './plan-files.js';

const STATUSES: readonly FileStatus[] = ['created', 'updated', 'unchanged', 'removed'];

export function formatImportSummary(result: ImportResult): string {
  const policies = result.policies.filter((p) => p.kind === 'policy').length;
  const templates = result.policies.length - policies;
  const lines = [
    `policy store ${result.policyStoreId}: namespace ${result.namespace}, ${count(policies, 'static policy', 'static policies')}, ` +
      `${count(templates, 'template')}, ${count(result.links.length, 'template-linked policy', 'template-linked policies')}`,
    ...result.changes.map((change) => `  ${change.status.padEnd(9)} ${change.path}`),
  ];
  if (result.links.length > 0) {
    lines.push(
      `${count(result.links.length, 'template-linked policy stays', 'template-linked policies stay')} in the store ` +
        '(links are data, made at run time; they are not written as policies):',
      ...result.links.map((link) => {
        const slots = [
          link.principal === undefined ? undefined : `principal ${entity(link.principal)}`,
          link.resource === undefined ? undefined : `resource ${entity(link.resource)}`,
        ].filter((slot) => slot !== undefined);
        return `  ${link.storeId}: template ${link.template}${slots.length > 0 ? ` (${slots.join(', ')})` : ''}`;
      }),
    );
  }
  const undocumented = result.policies.filter((p) => !p.documented);
  if (undocumented.length > 0) {
    lines.push(
      `${undocumented.length} ${kindsNoun(undocumented.map((p) => p.kind))} no description of why ` +
        `${undocumented.length === 1 ? 'it exists' : 'they exist'} (none in the store, or only an id); ` +
        'describe each in the store, or in its `///` comment once these files are your source:',
      ...undocumented.map((p) => `  ${p.path} (${p.kind} ${p.storeId})`),
    );
  }
  const tally = new Map(STATUSES.map((status) => [status, result.changes.filter((c) => c.status === status).length]));
  const total = result.changes.length;
  const matching = total === 1 ? 'the imported file already matches' : `all ${total} imported files already match`;
  lines.push(
    tally.get('unchanged') === total
      ? `unchanged: ${matching} the store`
      : STATUSES.map((status) => `${status} ${tally.get(status) ?? 0}`).join(', '),
  );
  return `${lines.join('\n')}\n`;
}

/** `policy has`, `templates have`, `policies and templates have`: as many and as mixed as the items are. */
function kindsNoun(kinds: readonly ('policy' | 'template')[]): string {
  const one = kinds.length === 1;
  const policies = kinds.includes('policy');
  const templates = kinds.includes('template');
  const noun =
    policies && templates ? 'policies and templates' : templates ? (one ? 'template' : 'templates') : one ? 'policy' : 'policies';
  return `${noun} ${one ? 'has' : 'have'}`;
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

function entity(uid: EntityIdentifier): string {
  return `${uid.entityType}::${JSON.stringify(uid.entityId)}`;
}
